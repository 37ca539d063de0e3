using System.ComponentModel.DataAnnotations;

namespace WxBind.Accounts;

/// <summary>Limits on the account endpoints (<c>WxBind:Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string Section = "WxBind:Accounts";

    /// <summary>Failed password attempts before the account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedAccessAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a password-reset link works (it also stops working once used).</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Login POSTs allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int LoginPermitsPerMinute { get; set; } = 20;

    /// <summary>Registration POSTs allowed per client address per minute.</summary>
    [Range(1, 10_000)]
    public int RegisterPermitsPerMinute { get; set; } = 10;
}
