using WxBind.Realtime;

namespace WxBind.Tests.Realtime;

/// <summary>
/// One instance's notifier, as a waiting page uses it: wait for a change or the heartbeat, re-read,
/// wait again. A wait that timed out must leave nothing behind: an event stream waits thousands of
/// times over its life.
/// </summary>
public sealed class InProcessNotifierTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ChangeAfterTimedOutWaitsWakesTheNextWait()
    {
        var notifier = new InProcessQrSessionNotifier(TimeProvider.System);
        using var subscription = notifier.Subscribe("session-1");
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await subscription.WaitAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None));
        }

        notifier.Signal("session-1");

        // The change waits for the page's next call; no wait that already gave up took it.
        var next = subscription.WaitAsync(Long, CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully);
        Assert.True(await next);
    }

    [Fact]
    public async Task ChangeWakesAWaitInProgress()
    {
        var notifier = new InProcessQrSessionNotifier(TimeProvider.System);
        using var subscription = notifier.Subscribe("session-1");
        Assert.False(await subscription.WaitAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None));
        var waiting = subscription.WaitAsync(Long, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        notifier.Signal("session-1");

        Assert.True(await waiting);
    }

    [Fact]
    public async Task ManyChangesBeforeAWaitWakeItOnce()
    {
        var notifier = new InProcessQrSessionNotifier(TimeProvider.System);
        using var subscription = notifier.Subscribe("session-1");

        notifier.Signal("session-1");
        notifier.Signal("session-1");

        Assert.True(await subscription.WaitAsync(Long, CancellationToken.None));
        Assert.False(await subscription.WaitAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task ClosedPageEndsItsWait()
    {
        var notifier = new InProcessQrSessionNotifier(TimeProvider.System);
        using var subscription = notifier.Subscribe("session-1");
        using var page = new CancellationTokenSource();
        var waiting = subscription.WaitAsync(Long, page.Token);

        await page.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
    }

    [Fact]
    public async Task ChangeOfAnotherSessionDoesNotWakeTheWait()
    {
        var notifier = new InProcessQrSessionNotifier(TimeProvider.System);
        using var subscription = notifier.Subscribe("session-1");

        notifier.Signal("session-2");

        Assert.False(await subscription.WaitAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }
}
