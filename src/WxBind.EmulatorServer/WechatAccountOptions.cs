using System.ComponentModel.DataAnnotations;
using WxBind.Emulator;

namespace WxBind.EmulatorServer;

/// <summary>
/// The emulated Official Account, read from the same <c>Wechat:*</c> keys as the app so that one
/// set of values (or environment variables) configures both sides.
/// </summary>
internal sealed class WechatAccountOptions
{
    public const string Section = "Wechat";

    [Required(ErrorMessage = "Wechat:AppId is required.")]
    public string AppId { get; set; } = "";

    [Required(ErrorMessage = "Wechat:AppSecret is required.")]
    public string AppSecret { get; set; } = "";

    [Required(ErrorMessage = "Wechat:Token is required.")]
    [RegularExpression("^[A-Za-z0-9]{3,32}$", ErrorMessage = "Wechat:Token must be 3-32 letters or digits.")]
    public string Token { get; set; } = "";

    /// <summary>Configured as <c>Wechat:EncodingAESKey</c> (binding ignores case); required unless the mode is Plain.</summary>
    [RegularExpression("^[A-Za-z0-9]{43}$", ErrorMessage = "Wechat:EncodingAESKey must be 43 letters or digits.")]
    public string? EncodingAesKey { get; set; }

    public EmulatorMessageMode MessageMode { get; set; } = EmulatorMessageMode.Safe;

    public string? OriginalId { get; set; }
}
