using WxBind.Wechat;

namespace WxBind.Menu;

/// <summary>
/// Once the app has started, publishes the menu if it changed since the last publish. A failure
/// is logged and left for the next start or <c>menu publish</c>: the site runs without it.
/// </summary>
internal sealed partial class MenuStartupPublisher(MenuPublisher publisher, IHostApplicationLifetime lifetime, ILogger<MenuStartupPublisher> logger) : BackgroundService
{
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once the menu was sent, false when it was unchanged or the publish failed.</summary>
    public Task<bool> Completion => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // WeChat (or the mounted emulator) is called only once the app answers requests.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                _done.TrySetResult(false);
                return;
            }
        }
        try
        {
            _done.TrySetResult(await publisher.PublishAsync(force: false, stoppingToken));
        }
        // Whatever went wrong (WeChat, the network, the database), the site runs on without the menu.
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, (e as WechatApiException)?.ErrCode ?? 0, e.GetType().Name);
            _done.TrySetResult(false);
        }
    }

    [LoggerMessage(9203, LogLevel.Warning, "Publishing the custom menu failed (errcode {ErrCode}, {Error}); it is tried again at the next start or with `menu publish`")]
    private static partial void LogPublishFailed(ILogger logger, int errCode, string error);
}
