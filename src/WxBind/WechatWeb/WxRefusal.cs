namespace WxBind.WechatWeb;

/// <summary>
/// Why an in-WeChat page cannot go on, for the person reading it: <paramref name="Reason"/> is a
/// stable code (tests and support read it), the texts are localised.
/// </summary>
public sealed record WxRefusal(int Status, string Reason, string Title, string Message);

/// <summary>The account was bound (or was already): what the success page shows.</summary>
public sealed record WxDone(string AccountName, string ContinueUrl, bool AlreadyBound);

/// <summary>A valid link opened outside WeChat: the link, and the same link as a QR image (a data URI).</summary>
public sealed record WxOpenInWechat(string Link, string QrDataUri);
