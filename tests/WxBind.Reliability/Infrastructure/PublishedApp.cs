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
    private readonly Dictionary<string, string> _environment;
    private readonly ServerProcess _server;

    public PublishedApp(TestDatabase database, int port, IDictionary<string, string>? settings = null)
    {
        Port = port;
        Root = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        _server = new ServerProcess("app", Root);
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

    public int? ProcessId => _server.Id;

    /// <summary>Console lines written by the app (all its runs).</summary>
    public IReadOnlyList<string> Output => _server.Output;

    /// <summary>
    /// The directory with the published app: <c>WXBIND_RELIABILITY_APP</c> when set (the script
    /// publishes once), else published here once per test run.
    /// </summary>
    public static Task<string> PublishedDirectoryAsync() => Published.Value;

    /// <summary>Starts the app and waits until <c>/healthz</c> answers; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync(TimeSpan limit) =>
        await _server.StartAsync(Path.Combine(await PublishedDirectoryAsync(), "WxBind.dll"), _environment, limit);

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public Task KillAsync() => _server.KillAsync();

    /// <summary>Resident memory (kB) and open file descriptors of the running app, from /proc.</summary>
    public (long RssKb, int Handles) Resources()
    {
        var pid = _server.RunningId;
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb, Directory.GetFiles($"/proc/{pid}/fd").Length);
    }

    /// <summary>The running app's resident memory by where it lives (GC heap, native, files).</summary>
    public MemoryMap Memory() => MemoryMap.Read(_server.RunningId);

    public async ValueTask DisposeAsync() => await KillAsync();

    private static Task<string> PublishAsync() => ReleaseBuild.PublishAsync("WXBIND_RELIABILITY_APP", "WxBind", "app");
}
