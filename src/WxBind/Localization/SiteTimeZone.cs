using Microsoft.Extensions.Options;

namespace WxBind.Localization;

/// <summary>
/// Where the site's display time zone comes from: <c>WxBind:TimeZone</c>; when that is unset, the
/// older key <c>Events:TimeZone</c> (which once set the zone of event pages only); else
/// Asia/Shanghai. Both set to different zones stops the start-up rather than ignoring one.
/// </summary>
internal sealed class SiteTimeZone(IConfiguration configuration) : IPostConfigureOptions<WxBindOptions>, IValidateOptions<WxBindOptions>
{
    public const string Key = "WxBind:TimeZone";
    public const string OldKey = "Events:TimeZone";
    public const string Default = "Asia/Shanghai";

    public void PostConfigure(string? name, WxBindOptions options) => options.TimeZone = Read().Id;

    public ValidateOptionsResult Validate(string? name, WxBindOptions options)
    {
        var current = configuration[Key];
        var old = configuration[OldKey];
        if (!string.IsNullOrWhiteSpace(current) && !string.IsNullOrWhiteSpace(old) && !string.Equals(current.Trim(), old.Trim(), StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Fail(
                $"{Key} ({current}) and the older {OldKey} ({old}) name different time zones; set only {Key}, the zone of every time the site shows.");
        }
        var (id, key) = Read();
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{key} is \"{id}\", which is not a time zone this server knows (e.g. Asia/Shanghai).");
    }

    private (string Id, string Key) Read() =>
        configuration[Key] is { } current && !string.IsNullOrWhiteSpace(current) ? (current.Trim(), Key)
        : configuration[OldKey] is { } old && !string.IsNullOrWhiteSpace(old) ? (old.Trim(), OldKey)
        : (Default, Key);
}
