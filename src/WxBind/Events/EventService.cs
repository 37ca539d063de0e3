using Microsoft.Extensions.Options;
using WxBind.Binding;
using WxBind.Localization;
using WxBind.Realtime;
using WxBind.Wechat;

namespace WxBind.Events;

/// <summary>
/// Sign-up, cancel and check-in (DESIGN F5), with the WeChat message that confirms each and the
/// signal that moves the console's live counts.
/// </summary>
internal sealed partial class EventService(
    EventStore store,
    SiteClock clock,
    BindingService binding,
    WechatApiClient wechat,
    IQrSessionNotifier notifier,
    IOptions<EventsOptions> options,
    ILogger<EventService> logger)
{
    /// <summary>The realtime key of an event's page (carried by the QR session notifier).</summary>
    public static string RealtimeKey(string eventId) => "event:" + eventId;

    public Task<OfflineEvent?> GetAsync(string id, CancellationToken cancellationToken) => store.GetAsync(id, cancellationToken);

    /// <summary>Whether sign-up is open now, and if not, the resource key of the reason.</summary>
    public string? SignupClosedReason(OfflineEvent item) => item switch
    {
        { Status: EventStatus.Cancelled } => "EventCancelledNote",
        { IsPublished: false } => "EventNotPublished",
        _ when clock.Now >= item.EndsAt => "EventEndedNote",
        _ when clock.Now >= item.SignupDeadline => "EventSignupClosed",
        _ => null,
    };

    public async Task<SignupResult> SignUpAsync(OfflineEvent item, string userId, string via, CancellationToken cancellationToken)
    {
        var result = await store.RegisterAsync(item.Id, userId, via, clock.Now, cancellationToken);
        if (result == SignupResult.Registered)
        {
            await PublishAsync(item.Id, cancellationToken);
            await TellAsync(userId, EventMessages.SignedUp(item, clock), cancellationToken);
        }
        return result;
    }

    public async Task<bool> CancelAsync(OfflineEvent item, string userId, CancellationToken cancellationToken)
    {
        if (!await store.CancelRegistrationAsync(item.Id, userId, clock.Now, cancellationToken))
        {
            return false;
        }
        await PublishAsync(item.Id, cancellationToken);
        await TellAsync(userId, EventMessages.SignupCancelled(item), cancellationToken);
        return true;
    }

    /// <summary>When the door is open: from <c>CheckinOpensBefore</c> the start until the end.</summary>
    public DateTimeOffset CheckinOpensAt(OfflineEvent item) => item.StartsAt - options.Value.CheckinOpensBefore;

    /// <summary>
    /// A scan (or a completed pending scan) of a bound user: checked in, already, full, or a reason
    /// the door is shut. Every outcome is recorded; the text is the reply to show in WeChat.
    /// </summary>
    public async Task<(string Outcome, string Reply)> CheckInAsync(OfflineEvent item, string userId, string? openId, string via, CancellationToken cancellationToken)
    {
        if (WindowRefusal(item) is { } refused)
        {
            await store.RecordAsync(item.Id, userId, openId, refused.Outcome, via, clock.Now, cancellationToken);
            await PublishAsync(item.Id, cancellationToken);
            return refused;
        }
        var result = await store.CheckInAsync(item.Id, userId, openId, via, clock.Now, cancellationToken);
        await PublishAsync(item.Id, cancellationToken);
        var reply = result.Outcome switch
        {
            CheckinOutcome.Ok => EventMessages.CheckedIn(item.Title, result.Number!.Value),
            CheckinOutcome.Already => EventMessages.Already(clock.Clock(result.CheckedInAt!.Value), result.Number),
            _ => EventMessages.Full,
        };
        if (result.Outcome == CheckinOutcome.Ok)
        {
            LogCheckedIn(logger, item.Id, result.Number!.Value, via);
        }
        return (result.Outcome, reply);
    }

    /// <summary>Too early, too late, or cancelled: the outcome and the reply; null when the door is open.</summary>
    public (string Outcome, string Reply)? WindowRefusal(OfflineEvent item)
    {
        var now = clock.Now;
        if (item.Status == EventStatus.Cancelled)
        {
            return (CheckinOutcome.Ended, EventMessages.Cancelled);
        }
        if (now >= item.EndsAt)
        {
            return (CheckinOutcome.Ended, EventMessages.Ended);
        }
        if (now < CheckinOpensAt(item))
        {
            return (CheckinOutcome.NotStarted, EventMessages.NotStarted(item.Title, clock.Format(CheckinOpensAt(item))));
        }
        return null;
    }

    /// <summary>
    /// An unbound scanner came back bound: the check-in they scanned for is completed if it is
    /// still pending. Null when there was nothing pending for them.
    /// </summary>
    public async Task<(string Outcome, string Reply)?> CompletePendingAsync(OfflineEvent item, string userId, CancellationToken cancellationToken)
    {
        if (await binding.FindByUserAsync(userId, cancellationToken) is not { } bound
            || !await store.TakePendingAsync(item.Id, bound.OpenId, clock.Now, cancellationToken))
        {
            return null;
        }
        var outcome = await CheckInAsync(item, userId, bound.OpenId, "pending", cancellationToken);
        await SendTextAsync(bound.OpenId, outcome.Reply, cancellationToken);
        return outcome;
    }

    /// <summary>Remembers an unbound scan for <c>Events:PendingCheckinMinutes</c> and records it.</summary>
    public async Task RecordUnboundAsync(OfflineEvent item, string openId, CancellationToken cancellationToken)
    {
        var now = clock.Now;
        await store.SavePendingAsync(item.Id, openId, now, now.AddMinutes(options.Value.PendingCheckinMinutes), cancellationToken);
        await store.RecordAsync(item.Id, null, openId, CheckinOutcome.Unbound, "scan", now, cancellationToken);
        await PublishAsync(item.Id, cancellationToken);
    }

    public async Task RecordAsync(string eventId, string? userId, string? openId, string outcome, CancellationToken cancellationToken)
    {
        await store.RecordAsync(eventId, userId, openId, outcome, "scan", clock.Now, cancellationToken);
        await PublishAsync(eventId, cancellationToken);
    }

    public ValueTask PublishAsync(string eventId, CancellationToken cancellationToken) =>
        notifier.PublishAsync(RealtimeKey(eventId), cancellationToken);

    /// <summary>A customer-service text to the user's WeChat if they are bound; best effort.</summary>
    private async Task TellAsync(string userId, string text, CancellationToken cancellationToken)
    {
        if (await binding.FindByUserAsync(userId, cancellationToken) is { } bound)
        {
            await SendTextAsync(bound.OpenId, text, cancellationToken);
        }
    }

    private async Task SendTextAsync(string openId, string text, CancellationToken cancellationToken)
    {
        try
        {
            await wechat.SendCustomTextAsync(openId, text, cancellationToken);
        }
        catch (Exception e) when (e is WechatApiException or HttpRequestException or TaskCanceledException)
        {
            // Outside the 48-hour window WeChat refuses (45015); the page has said it already.
            LogTellFailed(logger, e);
        }
    }

    [LoggerMessage(11001, LogLevel.Information, "Event {EventId}: check-in number {Number} ({Via})")]
    private static partial void LogCheckedIn(ILogger logger, string eventId, int number, string via);

    [LoggerMessage(11002, LogLevel.Information, "Could not send an event message in WeChat")]
    private static partial void LogTellFailed(ILogger logger, Exception exception);
}
