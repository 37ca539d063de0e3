using System.Globalization;
using Microsoft.Extensions.Options;

namespace WxBind.Events;

/// <summary>
/// Event times are stored as instants and entered and shown in the events' time zone
/// (<c>Events:TimeZone</c>), whatever the server's own zone is.
/// </summary>
internal sealed class EventClock(IOptions<EventsOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset Now => time.GetUtcNow();

    public DateTime ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone).DateTime;

    /// <summary>A wall-clock time in the events' zone (e.g. from a datetime-local field) as an instant.</summary>
    public DateTimeOffset FromLocal(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, _zone.GetUtcOffset(unspecified));
    }

    /// <summary><c>10:02</c>: the time of day, for replies about today.</summary>
    public string Clock(DateTimeOffset instant) => ToLocal(instant).ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary><c>2026-11-21 14:00</c>.</summary>
    public string Format(DateTimeOffset instant) => ToLocal(instant).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The value of a datetime-local input.</summary>
    public string InputValue(DateTimeOffset instant) => ToLocal(instant).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}
