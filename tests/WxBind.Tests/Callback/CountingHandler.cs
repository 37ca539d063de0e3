using WxBind.Callback;
using WxBind.Wechat;

namespace WxBind.Tests.Callback;

/// <summary>Shared state of <see cref="CountingHandler"/>: how often it ran, and an optional gate to hold it.</summary>
public sealed class HandlerProbe
{
    private int _count;
    private int _created;

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many handlers were created: one per push the handler takes, none for others.</summary>
    public int Created => Volatile.Read(ref _created);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, the handler waits for it before replying.</summary>
    public TaskCompletionSource? Gate { get; set; }

    internal int Increment() => Interlocked.Increment(ref _count);

    internal void CountCreated() => Interlocked.Increment(ref _created);
}

/// <summary>A feature stand-in: answers text messages starting with "count" and fails on "boom", counting how often it ran.</summary>
internal sealed class CountingHandler : IWechatMessageHandler
{
    private readonly HandlerProbe probe;

    public CountingHandler(HandlerProbe probe)
    {
        this.probe = probe;
        probe.CountCreated();
    }

    public static bool Takes(WechatMessage message) =>
        message.Content == "boom" || message.Content?.StartsWith("count", StringComparison.Ordinal) == true;

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        if (message.Content == "boom")
        {
            probe.Increment();
            throw new InvalidOperationException("A feature failed.");
        }
        var n = probe.Increment();
        probe.Entered.TrySetResult();
        if (probe.Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        return WechatReply.Text($"handled {n}: {message.Content}");
    }
}
