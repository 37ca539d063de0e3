using Microsoft.Extensions.Options;
using WxBind.Localization;
using WxBind.Wechat;

namespace WxBind.Events;

/// <summary>
/// Reminds signed-up followers by template message <c>Events:ReminderBefore</c> before the start.
/// Each registration is claimed in the database before its send, so with several instances (or
/// a second pass) a follower still gets one reminder.
/// </summary>
internal sealed partial class EventReminders(
    EventStore store,
    SiteClock clock,
    WechatApiClient wechat,
    IOptions<EventsOptions> options,
    IOptions<WxBindOptions> site,
    ILogger<EventReminders> logger)
{
    /// <summary>
    /// Sends the reminders that are due; returns how many this call claimed (each claimed one is
    /// sent once by this call, and by no other).
    /// </summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var templateId = options.Value.ReminderTemplateId;
        if (string.IsNullOrEmpty(templateId))
        {
            return 0;
        }
        var claimed = 0;
        foreach (var due in await store.DueRemindersAsync(clock.Now, options.Value.ReminderBefore, cancellationToken))
        {
            if (!await store.ClaimReminderAsync(due.EventId, due.UserId, clock.Now, cancellationToken))
            {
                continue; // another instance has it
            }
            claimed++;
            try
            {
                await wechat.SendTemplateMessageAsync(new MessageTemplateSendRequest
                {
                    ToUser = due.OpenId,
                    TemplateId = templateId,
                    Url = $"{site.Value.PublicBaseUrl.TrimEnd('/')}/wx/events/{due.EventId}",
                    Data = new()
                    {
                        ["first"] = new() { Value = "你报名的活动即将开始" },
                        ["keyword1"] = new() { Value = EventMessages.Plain(due.Title) },
                        ["keyword2"] = new() { Value = clock.Format(due.StartsAt) },
                        ["keyword3"] = new() { Value = EventMessages.Plain(due.Place) },
                        ["remark"] = new() { Value = "到场后扫描现场屏幕上的二维码签到。" },
                    },
                }, cancellationToken);
            }
            catch (Exception e) when (e is WechatApiException or HttpRequestException or TaskCanceledException)
            {
                // Not following (43004), refused (43101), quota (45009): recorded with the send, never retried blindly.
                LogReminderFailed(logger, due.EventId, e);
            }
        }
        return claimed;
    }

    [LoggerMessage(11020, LogLevel.Warning, "An event reminder for {EventId} was not delivered")]
    private static partial void LogReminderFailed(ILogger logger, string eventId, Exception exception);
}

/// <summary>Runs <see cref="EventReminders"/> every <c>Events:ReminderInterval</c>.</summary>
internal sealed partial class EventReminderSender(EventReminders reminders, IOptions<EventsOptions> options, TimeProvider time, ILogger<EventReminderSender> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReminderInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reminders.SendDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e);
            }
        }
    }

    [LoggerMessage(11021, LogLevel.Error, "Sending event reminders failed; trying again at the next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
