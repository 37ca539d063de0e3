namespace WxBind.Events;

/// <summary>One offline event (路演): what, when, where, how many seats, and its counts.</summary>
public sealed class OfflineEvent
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public string Place { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    public DateTimeOffset SignupDeadline { get; set; }
    public int Capacity { get; set; }
    public string Status { get; set; } = EventStatus.Draft;
    /// <summary>Seats taken; changed only by conditional updates, so it never passes <see cref="Capacity"/>.</summary>
    public int Registered { get; set; }
    public int CheckedIn { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsPublished => Status == EventStatus.Published;

    public int SeatsLeft => Math.Max(0, Capacity - Registered);
}

public static class EventStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
    public const string Cancelled = "cancelled";
}

/// <summary>A signed-up person as the admin page and the CSV show them.</summary>
public sealed class Attendee
{
    public string UserId { get; set; } = "";
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string Status { get; set; } = "";
    public string Via { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public int? CheckinNumber { get; set; }
    public string? OpenId { get; set; }
}

/// <summary>One recorded scan or door action, successful or not.</summary>
public sealed class CheckinRecord
{
    public long Id { get; set; }
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public string? OpenId { get; set; }
    public string Outcome { get; set; } = "";
    public string Via { get; set; } = "";
    public DateTimeOffset At { get; set; }
}

/// <summary>The fixed reasons a check-in attempt is recorded with (DESIGN F5).</summary>
public static class CheckinOutcome
{
    public const string Ok = "ok";
    public const string Already = "already";
    public const string Full = "full";
    public const string NotStarted = "not_started";
    public const string Ended = "ended";
    public const string Unbound = "unbound";
    public const string ExpiredCode = "expired_code";
    /// <summary>An administrator took a check-in back (recorded next to the scans, and in the audit).</summary>
    public const string Undone = "undone";
}
