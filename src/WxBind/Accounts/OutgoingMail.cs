namespace WxBind.Accounts;

/// <summary>A plain-text e-mail the site sends (password reset).</summary>
/// <remarks><paramref name="Link"/> is the link the body carries, for the Development outbox to make clickable.</remarks>
public sealed record OutgoingMail(string To, string Subject, string Body, Uri? Link, DateTimeOffset CreatedAt);
