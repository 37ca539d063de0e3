using System.Globalization;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// The WeChat emulator as a process of its own (<c>src/WxBind.EmulatorServer</c>), published once
/// per run, pushing to the app's callback: a <see cref="PublishedApp"/> started with its
/// <see cref="Root"/> calls it instead of mounting the emulator, so the app's memory is the app's
/// alone, as in production, where there is no emulator.
/// </summary>
public sealed class PublishedEmulator : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);
    private readonly Uri _callback;
    private readonly ServerProcess _server;

    public PublishedEmulator(int port, Uri appRoot)
    {
        Root = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _callback = new Uri(appRoot, "wechat/callback");
        _server = new ServerProcess("emulator", Root);
    }

    /// <summary>Where the emulator listens; its APIs and <c>/_sim/</c> are under <c>/emulator</c>.</summary>
    public Uri Root { get; }

    /// <summary>Console lines written by the emulator.</summary>
    public IReadOnlyList<string> Output => _server.Output;

    /// <summary>Starts the emulator and waits until <c>/healthz</c> answers.</summary>
    public async Task StartAsync(TimeSpan limit)
    {
        var root = Root.ToString().TrimEnd('/');
        // Development: the same account values as the app's appsettings.Development.json.
        await _server.StartAsync(Path.Combine(await Published.Value, "WxBind.EmulatorServer.dll"), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = root,
            ["Emulator__CallbackUrl"] = _callback.ToString(),
            ["Emulator__PublicBaseUrl"] = root,
            ["Emulator__StateFile"] = Path.Combine(Path.GetTempPath(), "wxbind-reliability", $"{Guid.NewGuid():N}-emulator.json"),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        }, limit);
    }

    /// <summary>The settings that make the app call this emulator instead of mounting its own.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var prefix = new Uri(Root, "emulator").ToString();
        return new Dictionary<string, string>
        {
            ["Emulator:Enabled"] = "false",
            ["Wechat:ApiBaseUrl"] = prefix,
            ["Wechat:MpBaseUrl"] = prefix,
            ["Wechat:OpenBaseUrl"] = prefix,
        };
    }

    /// <summary>The running emulator's resident memory by where it lives.</summary>
    public MemoryMap Memory() => MemoryMap.Read(_server.RunningId);

    public async ValueTask DisposeAsync() => await _server.KillAsync();

    private static Task<string> PublishAsync() => ReleaseBuild.PublishAsync("WXBIND_RELIABILITY_EMULATOR", "WxBind.EmulatorServer", "emulator");
}
