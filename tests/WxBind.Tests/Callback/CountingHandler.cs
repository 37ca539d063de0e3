using WxBind.Callback;
using WxBind.Wechat;

namespace WxBind.Tests.Callback;

/// <summary>Shared state of <see cref="CountingHandler"/>: how often it ran, and an optional gate to hold it.</summary>
public sealed class HandlerProbe
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, the handler waits for it before replying.</summary>
    public TaskCompletionSource? Gate { get; set; }

    internal int Increment() => Interlocked.Increment(ref _count);
}

/// <summary>A feature stand-in: answers text messages starting with "count" and fails on "boom", counting how often it ran.</summary>
internal sealed class CountingHandler(HandlerProbe probe) : IWechatMessageHandler
{
    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        if (message.Content == "boom")
        {
            probe.Increment();
            throw new InvalidOperationException("A feature failed.");
        }
        if (message.Content?.StartsWith("count", StringComparison.Ordinal) != true)
        {
            return null;
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
