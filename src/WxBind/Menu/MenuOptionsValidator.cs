using System.Text;
using Microsoft.Extensions.Options;

namespace WxBind.Menu;

/// <summary>
/// WeChat's limits on a menu (自定义菜单 → 创建接口), checked at start-up so a bad menu stops the
/// app naming the key instead of failing later at <c>menu/create</c>: 1–3 top buttons, 1–5
/// sub-buttons, names up to 16 bytes on top and 60 below, <c>click</c> needs a key (≤ 128 bytes),
/// <c>view</c> needs an http(s) URL (≤ 1024 bytes).
/// </summary>
internal sealed class MenuOptionsValidator : IValidateOptions<MenuOptions>
{
    public const int MaxTop = 3;
    public const int MaxSub = 5;
    public const int MaxTopNameBytes = 16;
    public const int MaxSubNameBytes = 60;
    public const int MaxKeyBytes = 128;
    public const int MaxUrlBytes = 1024;

    public ValidateOptionsResult Validate(string? name, MenuOptions options)
    {
        var failures = new List<string>();
        if (options.Buttons.Count is < 1 or > MaxTop)
        {
            failures.Add($"{MenuOptions.Section} must have 1 to {MaxTop} top buttons (it has {options.Buttons.Count}).");
        }
        for (var i = 0; i < options.Buttons.Count; i++)
        {
            var button = options.Buttons[i];
            var key = $"{MenuOptions.Section}:{i}";
            CheckName(button, key, MaxTopNameBytes, failures);
            if (button.SubButtons.Count > 0)
            {
                if (button.SubButtons.Count > MaxSub)
                {
                    failures.Add($"{key}:SubButtons must have at most {MaxSub} buttons (it has {button.SubButtons.Count}).");
                }
                if (!string.IsNullOrEmpty(button.Type))
                {
                    failures.Add($"{key}:Type must be empty on a button with SubButtons.");
                }
                for (var j = 0; j < button.SubButtons.Count; j++)
                {
                    var sub = button.SubButtons[j];
                    var subKey = $"{key}:SubButtons:{j}";
                    CheckName(sub, subKey, MaxSubNameBytes, failures);
                    if (sub.SubButtons.Count > 0)
                    {
                        failures.Add($"{subKey}:SubButtons is not allowed: WeChat menus have two levels.");
                    }
                    CheckAction(sub, subKey, failures);
                }
            }
            else
            {
                CheckAction(button, key, failures);
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckName(MenuItemOptions button, string key, int maxBytes, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(button.Name) || Encoding.UTF8.GetByteCount(button.Name) > maxBytes)
        {
            failures.Add($"{key}:Name must be 1 to {maxBytes} bytes (UTF-8).");
        }
    }

    private static void CheckAction(MenuItemOptions button, string key, List<string> failures)
    {
        switch (button.Type)
        {
            case "click":
                if (string.IsNullOrWhiteSpace(button.Key) || Encoding.UTF8.GetByteCount(button.Key) > MaxKeyBytes)
                {
                    failures.Add($"{key}:Key is required for a click button, 1 to {MaxKeyBytes} bytes.");
                }
                break;
            case "view":
                if (string.IsNullOrWhiteSpace(button.Url) || Encoding.UTF8.GetByteCount(button.Url) > MaxUrlBytes
                    || !(button.Url.StartsWith('/') && !button.Url.StartsWith("//", StringComparison.Ordinal)
                         || Uri.TryCreate(button.Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
                {
                    failures.Add($"{key}:Url is required for a view button: an http(s) URL or a path starting with '/', up to {MaxUrlBytes} bytes.");
                }
                break;
            default:
                failures.Add($"{key}:Type must be \"click\" or \"view\" (or empty with SubButtons).");
                break;
        }
    }
}
