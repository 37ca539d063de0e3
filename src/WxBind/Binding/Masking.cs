namespace WxBind.Binding;

/// <summary>What may be shown of identifiers: enough to recognise, not enough to reuse.</summary>
internal static class Masking
{
    /// <summary><c>oAbc…wxyz</c> → <c>oAbc****wxyz</c>.</summary>
    public static string OpenId(string openId) =>
        openId.Length <= 8 ? new string('*', openId.Length) : $"{openId[..4]}****{openId[^4..]}";

    /// <summary><c>zhang.san@example.com</c> → <c>z***@example.com</c>.</summary>
    public static string Email(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? "***" : $"{email[0]}***{email[at..]}";
    }

    /// <summary>
    /// A display name, masked where it is itself an e-mail address, and made plain text (no markup,
    /// no links) because it goes into WeChat messages.
    /// </summary>
    public static string DisplayName(string name) => Wechat.WechatText.Plain(name.Contains('@', StringComparison.Ordinal) ? Email(name) : name);
}
