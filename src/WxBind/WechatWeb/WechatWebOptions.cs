using System.ComponentModel.DataAnnotations;

namespace WxBind.WechatWeb;

/// <summary>The in-WeChat login pages (<c>WechatWeb</c>, DESIGN §1 F3).</summary>
public sealed class WechatWebOptions
{
    public const string Section = "WechatWeb";

    /// <summary>How long a signed <c>/wx/login</c> link sent in WeChat can be opened.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00", ErrorMessage = "WechatWeb:LinkLifetime must be between 30 seconds and 1 day.")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The HMAC key of signed links. Leave empty to have one generated on first start and kept in
    /// the database (so every instance signs alike); when set, at least 32 characters.
    /// </summary>
    public string? LinkSecret { get; set; }

    /// <summary>
    /// How long the browser keeps the WeChat identity a link or OAuth gave it, i.e. how long the
    /// user has to fill in the login or register form.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "WechatWeb:IdentityLifetime must be between 1 minute and 1 day.")]
    public TimeSpan IdentityLifetime { get; set; } = TimeSpan.FromMinutes(30);

    internal const int MinSecretLength = 32;
}
