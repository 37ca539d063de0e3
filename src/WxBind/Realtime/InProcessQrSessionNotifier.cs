using System.Collections.Concurrent;
using System.Threading.Channels;

namespace WxBind.Realtime;

/// <summary>The single-instance notifier: a signal channel per subscriber, kept in memory.</summary>
internal sealed class InProcessQrSessionNotifier(TimeProvider time) : IQrSessionNotifier
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _subscribers = new(StringComparer.Ordinal);

    public ValueTask PublishAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Signal(sessionId);
        return ValueTask.CompletedTask;
    }

    /// <summary>Wakes this process's listeners of one session.</summary>
    public void Signal(string sessionId)
    {
        if (_subscribers.TryGetValue(sessionId, out var subscribers))
        {
            foreach (var subscriber in subscribers.Keys)
            {
                subscriber.Signal();
            }
        }
    }

    public IQrSessionSubscription Subscribe(string sessionId)
    {
        var subscription = new Subscription(this, sessionId, time);
        _subscribers.GetOrAdd(sessionId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        if (_subscribers.TryGetValue(subscription.SessionId, out var subscribers))
        {
            subscribers.TryRemove(subscription, out _);
            if (subscribers.IsEmpty)
            {
                _subscribers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.SessionId, subscribers));
            }
        }
    }

    private sealed class Subscription(InProcessQrSessionNotifier owner, string sessionId, TimeProvider time) : IQrSessionSubscription
    {
        // Capacity 1, drop the newest: many signals before the listener wakes collapse into one.
        private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public string SessionId { get; } = sessionId;

        public void Signal() => _signals.Writer.TryWrite(true);

        public async ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (_signals.Reader.TryRead(out _))
            {
                return true;
            }
            // The timeout cancels the read itself, and the channel then drops it. A read merely
            // abandoned (a timeout wrapped around it) would stay queued for the rest of the
            // stream, a few hundred bytes per heartbeat, and take the next signal from the live wait.
            using var timer = new CancellationTokenSource(timeout, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            Task read = _signals.Reader.ReadAsync(either.Token).AsTask();
            await read.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // a heartbeat is no exception
            cancellationToken.ThrowIfCancellationRequested();
            return read.IsCompletedSuccessfully;
        }

        public void Dispose() => owner.Remove(this);
    }
}
