namespace WxBind.Realtime;

/// <summary>
/// Tells the pages waiting on a QR session that it changed. The message carries no data: a
/// listener re-reads the session from the store, so a missed or duplicated signal is harmless.
/// In process now; across instances an implementation over PostgreSQL LISTEN/NOTIFY.
/// </summary>
public interface IQrSessionNotifier
{
    ValueTask PublishAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to changes of one session until the returned handle is disposed.</summary>
    IQrSessionSubscription Subscribe(string sessionId);
}

public interface IQrSessionSubscription : IDisposable
{
    /// <summary>
    /// Waits for a change since the last call (or since subscribing): true when there was one,
    /// false when <paramref name="timeout"/> passed first. A wait that timed out leaves nothing
    /// behind, so the next change wakes the next wait.
    /// </summary>
    ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
