using System.Globalization;
using WxBind.Reliability.Infrastructure;

namespace WxBind.Reliability.Load;

/// <summary>What an action needs: a way to open a browser on the app, WeChat's signer, unique names.</summary>
public sealed class LoadContext(Func<SiteClient> newBrowser, Func<HttpClient> raw)
{
    private long _sequence;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A fresh browser (own cookies) on the app.</summary>
    public SiteClient NewBrowser() => newBrowser();

    /// <summary>A shared client for requests without cookies (WeChat's pushes).</summary>
    public HttpClient Raw => raw();

    public WechatSigner Signer { get; } = WechatSigner.Development;

    public string UniqueName(string prefix) =>
        $"{prefix}-{_run}-{Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture)}";

    public long NextMsgId() => (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16) + (Interlocked.Increment(ref _sequence) & 0xFFFF);
}
