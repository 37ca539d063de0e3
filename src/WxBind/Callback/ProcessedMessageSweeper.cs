using Microsoft.Extensions.Options;
using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>Forgets pushes (in memory and in the database) once no retry or replay of them can pass, once per dedup window.</summary>
internal sealed partial class ProcessedMessageSweeper(
    ProcessedMessageStore store, DeliveryMemory memory, IOptions<WechatOptions> options, TimeProvider time, ILogger<ProcessedMessageSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DedupWindow, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            memory.Sweep();
            try
            {
                await store.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A database hiccup must not stop the sweeper; the next tick tries again.
                LogSweepFailed(logger, e);
            }
        }
    }

    [LoggerMessage(3101, LogLevel.Warning, "Sweeping processed WeChat messages failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
