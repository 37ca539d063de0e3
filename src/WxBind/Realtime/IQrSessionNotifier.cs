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
    /// <summary>Completes when the session changed since the last call (or since subscribing).</summary>
    ValueTask WaitAsync(CancellationToken cancellationToken);
}
