using System.ComponentModel.DataAnnotations;

namespace WxBind.Wechat;

/// <summary>
/// The Official Account this app serves (section <c>Wechat</c>), as entered on the WeChat admin
/// page 开发 → 基本配置. See wechat-protocol.md §1–§3 for how each value is used.
/// </summary>
public sealed class WechatOptions
{
    public const string Section = "Wechat";

    /// <summary>开发者ID (AppID), <c>wx…</c>.</summary>
    [Required(ErrorMessage = "Wechat:AppId is required.")]
    public string AppId { get; set; } = "";

    /// <summary>开发者密码 (AppSecret). Never logged.</summary>
    [Required(ErrorMessage = "Wechat:AppSecret is required.")]
    public string AppSecret { get; set; } = "";

    /// <summary>服务器配置 → 令牌 (Token): signs every push (<c>signature</c>, <c>msg_signature</c>).</summary>
    [Required(ErrorMessage = "Wechat:Token is required.")]
    [RegularExpression("^[A-Za-z0-9]{3,32}$", ErrorMessage = "Wechat:Token must be 3-32 letters or digits.")]
    public string Token { get; set; } = "";

    /// <summary>
    /// 消息加解密密钥 (EncodingAESKey), 43 characters; configured as <c>Wechat:EncodingAESKey</c>
    /// (binding ignores case). Required unless <see cref="MessageMode"/> is Plain.
    /// </summary>
    public string EncodingAesKey { get; set; } = "";

    /// <summary>消息加解密方式. The default, Safe, is what WeChat recommends.</summary>
    public WechatMessageMode MessageMode { get; set; } = WechatMessageMode.Safe;

    /// <summary>原始ID (<c>gh_…</c>), optional; pushes carry it as <c>ToUserName</c>.</summary>
    public string? OriginalId { get; set; }

    /// <summary>Lifetime of temporary QR codes (<c>expire_seconds</c> of cgi-bin/qrcode/create).</summary>
    [Range(60, 2_592_000, ErrorMessage = "Wechat:QrExpireSeconds must be between 60 and 2592000.")]
    public int QrExpireSeconds { get; set; } = 300;

    /// <summary>Host of the JSON APIs (<c>/cgi-bin/…</c>, <c>/sns/…</c>); the emulator in Development.</summary>
    [Required(ErrorMessage = "Wechat:ApiBaseUrl is required.")]
    public string ApiBaseUrl { get; set; } = "https://api.weixin.qq.com";

    /// <summary>Host of <c>/cgi-bin/showqrcode</c>.</summary>
    [Required(ErrorMessage = "Wechat:MpBaseUrl is required.")]
    public string MpBaseUrl { get; set; } = "https://mp.weixin.qq.com";

    /// <summary>Host of the OAuth2 authorize page <c>/connect/oauth2/authorize</c>.</summary>
    [Required(ErrorMessage = "Wechat:OpenBaseUrl is required.")]
    public string OpenBaseUrl { get; set; } = "https://open.weixin.qq.com";

    /// <summary>Use <c>POST cgi-bin/stable_token</c> instead of <c>GET cgi-bin/token</c> (§4.2).</summary>
    public bool UseStableToken { get; set; }

    /// <summary>How far a push's <c>timestamp</c> may be from our clock before it is refused as a replay.</summary>
    public TimeSpan CallbackTimestampWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest push body accepted; real pushes are a few KiB.</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Wechat:CallbackMaxBodyBytes must be between 1024 and 16777216.")]
    public int CallbackMaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The most any one WeChat API call may take (the HTTP client's timeout). WeChat normally
    /// answers in well under a second; a hung call must not hold a page or a push for long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Wechat:ApiTimeout must be between 00:00:01 and 00:01:00.")]
    public TimeSpan ApiTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a handled push is remembered, so WeChat's retries are answered, not handled again.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromSeconds(60);
}
