using System.ComponentModel.DataAnnotations;

namespace WxBind;

/// <summary>The site itself (<c>WxBind</c>).</summary>
public sealed class WxBindOptions
{
    public const string Section = "WxBind";

    /// <summary>
    /// The address users and WeChat reach the site at, e.g. <c>https://www.example.com</c>. Links
    /// sent in WeChat and the emulator's callback URL are built from it. Required outside
    /// Development (whose settings file gives <c>http://localhost:5080</c>).
    /// </summary>
    [Required(ErrorMessage = "WxBind:PublicBaseUrl is required: the address users and WeChat reach the site at, e.g. https://www.example.com.")]
    [Url(ErrorMessage = "WxBind:PublicBaseUrl must be an absolute http(s) URL, e.g. https://www.example.com.")]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>
    /// The site's display time zone (IANA id, e.g. <c>Asia/Shanghai</c>, the default): every time
    /// the pages, WeChat replies and CSV exports show, and the days of the admin filters and
    /// figures. Unset, the older <c>Events:TimeZone</c> applies (see <see cref="Localization.SiteTimeZone"/>).
    /// </summary>
    public string? TimeZone { get; set; }

    public Uri PublicBaseUri => new(PublicBaseUrl.TrimEnd('/') + "/");
}
