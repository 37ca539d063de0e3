using System.ComponentModel.DataAnnotations;

namespace WxBind.EmulatorServer;

/// <summary>Where the standalone emulator pushes and how it names itself (section <c>Emulator</c>).</summary>
internal sealed class EmulatorServerOptions
{
    public const string Section = "Emulator";

    /// <summary>The app's callback as WeChat would call it: with several instances, the balancer's <c>/wechat/callback</c>.</summary>
    [Required(ErrorMessage = "Emulator:CallbackUrl is required (the app's /wechat/callback, e.g. the balancer's).")]
    [Url(ErrorMessage = "Emulator:CallbackUrl must be an absolute http(s) URL.")]
    public string CallbackUrl { get; set; } = "";

    /// <summary>Scheme and host of this emulator as browsers reach it; when unset, each request's own host.</summary>
    [Url(ErrorMessage = "Emulator:PublicBaseUrl must be an absolute http(s) URL.")]
    public string? PublicBaseUrl { get; set; }
}
