namespace WxBind.Emulator.Push;

/// <summary>Every push attempt, for <c>/_sim/deliveries</c>.</summary>
internal sealed class DeliveryLog
{
    private const int Capacity = 2000;
    private readonly Lock _gate = new();
    private readonly LinkedList<DeliveryRecord> _records = new();
    private long _pushId;
    private long _recordId;

    public long NextPushId() => Interlocked.Increment(ref _pushId);

    public void Add(Func<long, DeliveryRecord> create)
    {
        lock (_gate)
        {
            _records.AddFirst(create(++_recordId));
            if (_records.Count > Capacity)
            {
                _records.RemoveLast();
            }
        }
    }

    public IReadOnlyList<DeliveryRecord> NewestFirst()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }
}

internal sealed record DeliveryRecord(
    long Id,
    long PushId,
    DateTimeOffset Time,
    int Attempt,
    string Mode,
    string Event,
    string OpenId,
    string? MsgId,
    int? StatusCode,
    long DurationMs,
    string Outcome,
    string? Detail,
    string? ReplySummary);
