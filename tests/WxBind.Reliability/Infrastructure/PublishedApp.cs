using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WxBind.Storage;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// The app as it ships: published once per run (Release), started as its own process on a
/// loopback port with the emulator inside it, and killed with SIGKILL. Its console output is
/// kept, to look for errors.
/// </summary>
public sealed class PublishedApp : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    public PublishedApp(TestDatabase database, int port, IDictionary<string, string>? settings = null)
    {
        Port = port;
        Root = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = Root.ToString().TrimEnd('/'),
            ["WxBind__PublicBaseUrl"] = Root.ToString().TrimEnd('/'),
            ["WxBind__Storage__Provider"] = database.Provider.ToString(),
            [$"ConnectionStrings__{database.Provider}"] = database.Provider == StorageProvider.Postgres
                ? new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = true }.ToString()
                : database.ConnectionString,
            // The emulator's users in a file of this app's own (kept across its restarts), not in
            // the published folder, where every run would add to the last one's.
            ["Emulator__StateFile"] = Path.Combine(Path.GetTempPath(), "wxbind-reliability", $"{Guid.NewGuid():N}-emulator.json"),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var (key, value) in InProcessApp.LoadSettings)
        {
            _environment[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    public int Port { get; }

    public Uri Root { get; }

    public int? ProcessId => _process?.Id;

    /// <summary>Console lines written by the app (all its runs).</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>
    /// The directory with the published app: <c>WXBIND_RELIABILITY_APP</c> when set (the script
    /// publishes once), else published here once per test run.
    /// </summary>
    public static Task<string> PublishedDirectoryAsync() => Published.Value;

    /// <summary>Starts the app and waits until <c>/healthz</c> answers; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync(TimeSpan limit)
    {
        var directory = await PublishedDirectoryAsync();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, "WxBind.dll")])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        var watch = Stopwatch.StartNew();
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = Root, Timeout = TimeSpan.FromSeconds(2) };
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{string.Join('\n', _output.TakeLast(40))}");
            }
            try
            {
                using var response = await probe.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The app did not answer /healthz within {limit.TotalSeconds} s:\n{string.Join('\n', _output.TakeLast(40))}");
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Resident memory (kB) and open file descriptors of the running app, from /proc.</summary>
    public (long RssKb, int Handles) Resources()
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("not running");
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb, Directory.GetFiles($"/proc/{pid}/fd").Length);
    }

    /// <summary>The running app's resident memory by where it lives (GC heap, native, files).</summary>
    public MemoryMap Memory() => MemoryMap.Read(_process?.Id ?? throw new InvalidOperationException("not running"));

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static Task<string> PublishAsync() => ReleaseBuild.PublishAsync("WXBIND_RELIABILITY_APP", "WxBind", "app");
}
