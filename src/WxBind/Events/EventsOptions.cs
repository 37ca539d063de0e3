using System.ComponentModel.DataAnnotations;

namespace WxBind.Events;

/// <summary>Offline events (<c>Events</c> section, DESIGN §1 F5).</summary>
public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>How often the door screen shows a fresh check-in code.</summary>
    [Range(10, 3600)]
    public int DoorCodeSeconds { get; set; } = 60;

    /// <summary>
    /// How long a code is still accepted after the screen moved on to the next one: someone who
    /// scanned just as it rotated is not turned away. A photo taken home is refused after this.
    /// </summary>
    [Range(0, 600)]
    public int DoorCodeGraceSeconds { get; set; } = 15;

    /// <summary>How long an unbound scanner's check-in waits for them to bind.</summary>
    [Range(1, 1440)]
    public int PendingCheckinMinutes { get; set; } = 10;

    /// <summary>How long before the start the door opens for check-in.</summary>
    public TimeSpan CheckinOpensBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long before the start signed-up followers get their reminder.</summary>
    public TimeSpan ReminderBefore { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The template of the reminder (WeChat's 模板消息); empty switches reminders off.</summary>
    public string ReminderTemplateId { get; set; } = "";

    /// <summary>How often the reminder sender looks for registrations that are due.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromSeconds(30);
}
