using Microsoft.Extensions.Options;
using WxBind.Realtime;

namespace WxBind.QrSessions;

/// <summary>
/// Expires overdue sessions (and tells their pages) and deletes long-ended ones. Reads never rely
/// on it: an overdue session already reads as expired.
/// </summary>
internal sealed partial class QrSessionSweeper(
    QrSessionStore store,
    IQrSessionNotifier notifier,
    IOptions<QrSessionOptions> options,
    TimeProvider time,
    ILogger<QrSessionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var id in await store.ExpireDueAsync(now, cancellationToken))
        {
            await notifier.PublishAsync(id, cancellationToken);
        }
        await store.DeleteEndedBeforeAsync(now - options.Value.RetainEnded, cancellationToken);
    }

    [LoggerMessage(3002, LogLevel.Warning, "Sweeping QR sessions failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
