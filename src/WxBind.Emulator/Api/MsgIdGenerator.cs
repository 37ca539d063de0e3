namespace WxBind.Emulator.Api;

/// <summary>64-bit ids above 2^53, so a client that stores MsgId as a JS double gets caught.</summary>
internal sealed class MsgIdGenerator
{
    private long _next = 24_000_000_000_000_000L + Random.Shared.NextInt64(1_000_000_000L);

    public long Next() => Interlocked.Increment(ref _next);
}
