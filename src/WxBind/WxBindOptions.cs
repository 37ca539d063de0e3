using System.ComponentModel.DataAnnotations;

namespace WxBind;

/// <summary>The site itself (<c>WxBind</c>).</summary>
public sealed class WxBindOptions
{
    public const string Section = "WxBind";

    /// <summary>
    /// The address users and WeChat reach the site at, e.g. <c>https://www.example.com</c>. Links
    /// sent in WeChat and the emulator's callback URL are built from it.
    /// </summary>
    [Required]
    [Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    public Uri PublicBaseUri => new(PublicBaseUrl.TrimEnd('/') + "/");
}
