using System.Collections.Concurrent;

namespace WxBind.Callback;

/// <summary>
/// The in-memory first level of duplicate and replay protection: every push this process
/// accepted, by its signed query (<c>timestamp</c>, <c>nonce</c>, <c>signature</c>) and by its
/// dedup key, until its timestamp leaves the accepted window. A push that changes nothing is
/// remembered only here; one that changes state is also recorded in the database with its change.
/// </summary>
internal sealed class DeliveryMemory(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Delivery> _byQuery = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Delivery> _byDedupKey = new(StringComparer.Ordinal);

    /// <summary>
    /// Unix seconds when this memory began: a push stamped earlier may have been accepted by an
    /// earlier process, whose memory is gone.
    /// </summary>
    public long StartedAt { get; } = time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>
    /// Admits a delivery: new (handle it and then <see cref="Delivery.Complete"/> or
    /// <see cref="Release"/> it), a repeat of an accepted push, or refused (same query, other body).
    /// </summary>
    public Admission Admit(string queryKey, string bodyHash, string dedupKey, long expiresAtMs)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            if (_byQuery.TryGetValue(queryKey, out var known) && known.ExpiresAt < now)
            {
                // Expired, not swept yet: as good as gone.
                _byQuery.TryRemove(new KeyValuePair<string, Delivery>(queryKey, known));
                continue;
            }
            if (known is not null)
            {
                if (!string.Equals(known.BodyHash, bodyHash, StringComparison.Ordinal))
                {
                    return new Admission(AdmissionOutcome.Refused, known);
                }
                if (!known.Released)
                {
                    return new Admission(AdmissionOutcome.Repeat, known.Primary);
                }
                _byQuery.TryRemove(new KeyValuePair<string, Delivery>(queryKey, known));
                continue;
            }
            var delivery = new Delivery(queryKey, bodyHash, dedupKey, expiresAtMs);
            if (!_byQuery.TryAdd(queryKey, delivery))
            {
                continue;
            }
            while (true)
            {
                if (_byDedupKey.TryGetValue(dedupKey, out var first))
                {
                    if (!first.Released && first.ExpiresAt >= now)
                    {
                        // The same push under another signed query (a retry WeChat signed afresh).
                        delivery.Primary = first;
                        return new Admission(AdmissionOutcome.Repeat, first);
                    }
                    _byDedupKey.TryRemove(new KeyValuePair<string, Delivery>(dedupKey, first));
                    continue;
                }
                if (_byDedupKey.TryAdd(dedupKey, delivery))
                {
                    return new Admission(AdmissionOutcome.New, delivery);
                }
            }
        }
    }

    /// <summary>Handling failed: the next delivery of the push (same body) is handled afresh.</summary>
    public void Release(Delivery delivery)
    {
        delivery.Released = true;
        _byDedupKey.TryRemove(new KeyValuePair<string, Delivery>(delivery.DedupKey, delivery));
        delivery.Reply.TrySetResult(null);
    }

    /// <summary>Forgets deliveries whose timestamp can no longer pass the window; returns how many.</summary>
    public int Sweep()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var removed = 0;
        foreach (var (key, delivery) in _byQuery)
        {
            if (delivery.ExpiresAt < now && _byQuery.TryRemove(new KeyValuePair<string, Delivery>(key, delivery)))
            {
                removed++;
            }
        }
        foreach (var (key, delivery) in _byDedupKey)
        {
            if (delivery.ExpiresAt < now)
            {
                _byDedupKey.TryRemove(new KeyValuePair<string, Delivery>(key, delivery));
            }
        }
        return removed;
    }
}

internal enum AdmissionOutcome
{
    /// <summary>First delivery of this push: handle it.</summary>
    New,

    /// <summary>This push was accepted before: answer with its reply.</summary>
    Repeat,

    /// <summary>The signed query was accepted before with another body: a forgery.</summary>
    Refused,
}

internal readonly record struct Admission(AdmissionOutcome Outcome, Delivery Delivery);

/// <summary>One accepted push; <see cref="Reply"/> completes with its reply (null: none, or released).</summary>
internal sealed class Delivery(string queryKey, string bodyHash, string dedupKey, long expiresAt)
{
    private Delivery? _primary;

    public string QueryKey { get; } = queryKey;

    public string BodyHash { get; } = bodyHash;

    public string DedupKey { get; } = dedupKey;

    /// <summary>Unix ms after which the memory may forget it.</summary>
    public long ExpiresAt { get; } = expiresAt;

    /// <summary>The delivery that handled the push (itself, unless WeChat signed a retry afresh).</summary>
    public Delivery Primary
    {
        get => _primary ?? this;
        set => _primary = value;
    }

    private volatile bool _released;

    /// <summary>Handling failed; the push may be handled again.</summary>
    public bool Released
    {
        get => _released;
        set => _released = value;
    }

    public TaskCompletionSource<string?> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The reply once the push was handled; null while it is still being handled.</summary>
    public bool TryGetReply(out string? replyXml)
    {
        var task = Primary.Reply.Task;
        replyXml = task.IsCompletedSuccessfully ? task.Result : null;
        return task.IsCompletedSuccessfully;
    }
}
