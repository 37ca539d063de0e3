using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Uri _callback;
    private Process? _process;

    public PublishedEmulator(int port, Uri appRoot)
    {
        Root = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _callback = new Uri(appRoot, "wechat/callback");
    }

    /// <summary>Where the emulator listens; its APIs and <c>/_sim/</c> are under <c>/emulator</c>.</summary>
    public Uri Root { get; }

    /// <summary>Console lines written by the emulator.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>Starts the emulator and waits until <c>/healthz</c> answers.</summary>
    public async Task StartAsync(TimeSpan limit)
    {
        var directory = await Published.Value;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "WxBind.EmulatorServer.dll")])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Development: the same account values as the app's appsettings.Development.json.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = Root.ToString().TrimEnd('/');
        start.Environment["Emulator__CallbackUrl"] = _callback.ToString();
        start.Environment["Emulator__PublicBaseUrl"] = Root.ToString().TrimEnd('/');
        start.Environment["Emulator__StateFile"] = Path.Combine(Path.GetTempPath(), "wxbind-reliability", $"{Guid.NewGuid():N}-emulator.json");
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = Root, Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The emulator exited with {_process.ExitCode}:\n{string.Join('\n', _output.TakeLast(40))}");
            }
            try
            {
                using var response = await probe.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The emulator did not answer /healthz within {limit.TotalSeconds} s:\n{string.Join('\n', _output.TakeLast(40))}");
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
    public MemoryMap Memory() => MemoryMap.Read(_process?.Id ?? throw new InvalidOperationException("not running"));

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static Task<string> PublishAsync() => ReleaseBuild.PublishAsync("WXBIND_RELIABILITY_EMULATOR", "WxBind.EmulatorServer", "emulator");
}
