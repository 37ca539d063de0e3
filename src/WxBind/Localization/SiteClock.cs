using System.Globalization;
using Microsoft.Extensions.Options;

namespace WxBind.Localization;

/// <summary>
/// The site's one clock for people: every time a page, a WeChat reply or a CSV shows, and every
/// date typed into a filter or a form, is in the site's display time zone (<c>WxBind:TimeZone</c>),
/// whatever zone the server itself runs in. Instants are stored as UTC; only their display moves.
/// </summary>
internal sealed class SiteClock(IOptions<WxBindOptions> options, TimeProvider time)
{
    public const string DateFormat = "yyyy-MM-dd";
    public const string MinutesFormat = "yyyy-MM-dd HH:mm";
    public const string SecondsFormat = "yyyy-MM-dd HH:mm:ss";

    // The IANA and Windows names of the zone people in China call 北京时间.
    private static readonly HashSet<string> ChinaZones = new(StringComparer.OrdinalIgnoreCase)
    {
        "Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC", "China Standard Time",
    };

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone!);

    public TimeZoneInfo Zone => _zone;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Today's date in the site's zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(ToLocal(Now));

    /// <summary>True when the zone is China Standard Time, which WeChat readers know as 北京时间.</summary>
    public bool IsChinaTime => ChinaZones.Contains(_zone.Id);

    public DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone).DateTime;

    /// <summary>A wall-clock time in the site's zone (e.g. from a datetime-local field) as an instant.</summary>
    public DateTimeOffset FromLocal(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, _zone.GetUtcOffset(unspecified));
    }

    /// <summary>The first instant of <paramref name="day"/> in the site's zone.</summary>
    public DateTimeOffset StartOf(DateOnly day) => FromLocal(day.ToDateTime(TimeOnly.MinValue));

    /// <summary><c>10:02</c>: the time of day, for replies about today.</summary>
    public string Clock(DateTimeOffset instant) => Format(instant, "HH:mm");

    /// <summary><c>2026-11-21 14:00</c>.</summary>
    public string Format(DateTimeOffset instant) => Format(instant, MinutesFormat);

    /// <summary>The instant in the site's zone, in <paramref name="format"/> (invariant culture: digits read the same in both languages).</summary>
    public string Format(DateTimeOffset instant, string format) => ToLocal(instant).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The value of a datetime-local input.</summary>
    public string InputValue(DateTimeOffset instant) => Format(instant, "yyyy-MM-ddTHH:mm");

    /// <summary><c>UTC+08:00</c>: the zone's offset at <paramref name="instant"/>, for naming a zone other than China's.</summary>
    public string UtcOffset(DateTimeOffset instant)
    {
        var offset = _zone.GetUtcOffset(instant);
        return "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
    }

    /// <summary><c>2026-11-21 16:00:00（北京时间）</c>: a time in a WeChat message, with its zone named in Chinese.</summary>
    public string ForWechat(DateTimeOffset instant) =>
        $"{Format(instant, SecondsFormat)}（{(IsChinaTime ? "北京时间" : UtcOffset(instant))}）";
}
