namespace WxBind.Accounts;

/// <summary>
/// The SMTP server password-reset mails go out through (<c>WxBind:Smtp</c>). Unset <c>Host</c>:
/// no mail is sent (Development shows them at <c>/dev/outbox</c>; elsewhere password reset is off).
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "WxBind:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>STARTTLS / TLS to the server.</summary>
    public bool EnableSsl { get; set; } = true;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>WxBind &lt;no-reply@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
