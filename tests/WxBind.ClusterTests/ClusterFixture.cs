using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>
/// One cluster for the whole run, started and stopped with <c>scripts/cluster.sh</c> as a user
/// would: nginx (round-robin) in front of <see cref="Instances"/> published app instances on a
/// fresh PostgreSQL database, and the standalone emulator pushing to the balancer. Ports are
/// <c>WXBIND_TEST_CLUSTER_BASE_PORT</c> (default 24500) + 80, +90, +101…
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Instances = 3;

    private readonly string _root = RepositoryRoot();
    private string? _connectionString;

    public Uri Site { get; private set; } = null!;

    public Uri Emulator { get; private set; } = null!;

    public string State => Path.Combine(_root, "artifacts", "cluster-tests");

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The cluster is not up.");

    private static readonly string[] NginxLocations = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];

    public static string? NginxPath() => NginxLocations.FirstOrDefault(File.Exists);

    public async Task InitializeAsync()
    {
        // Nothing to start when the tests are skipped; when they run, a missing piece is a failure.
        if (new ClusterFactAttribute().Skip is not null)
        {
            return;
        }
        if (NginxPath() is null)
        {
            throw new InvalidOperationException("nginx is required for the cluster tests (WXBIND_REQUIRE_POSTGRES is set) but is not installed.");
        }

        var database = await TestDatabases.CreateAsync(StorageProvider.Postgres);
        _connectionString = new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 30 }.ToString();
        // A previous run that was killed may have left its cluster up: stop it first.
        await RunScriptAsync(["down"], allowFailure: true);
        await RunScriptAsync(["up", Instances.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var settings = File.ReadAllLines(Path.Combine(State, "cluster.env"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        Site = new Uri(settings["WXBIND_CLUSTER_URL"]);
        Emulator = new Uri(settings["WXBIND_CLUSTER_EMULATOR"]);
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null)
        {
            return;
        }
        await RunScriptAsync(["down"], allowFailure: true);
        await TestDatabases.DropAsync(StorageProvider.Postgres, _connectionString);
    }

    /// <summary>A new desktop browser on the balancer: its own cookies, recording which instance answered each request.</summary>
    public ClusterBrowser NewBrowser() => new(Site);

    /// <summary>The emulator's control API: a WeChat user's phone.</summary>
    public SimClient Phone() => new(new HttpClient { BaseAddress = Emulator });

    /// <summary>Successful token fetches the emulator has answered, both kinds together.</summary>
    public async Task<int> TokenFetchesAsync()
    {
        using var http = new HttpClient { BaseAddress = Emulator };
        var counts = await http.GetFromJsonAsync<JsonElement>("/emulator/_sim/tokens");
        return counts.GetProperty("token").GetInt32() + counts.GetProperty("stableToken").GetInt32();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.ExecuteAsync(sql, args);
    }

    /// <summary>Kills instance <paramref name="name"/> (e.g. <c>app2</c>) at once, as a crash would: no graceful shutdown.</summary>
    public void Kill(string name)
    {
        // The pid file holds "PID START" (START tells a reused pid apart).
        var pid = int.Parse(File.ReadAllText(Path.Combine(State, "pids", name + ".pid")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Gives an account the admin role with the app's own command, as an operator would (<c>cluster.sh app admin grant</c>).</summary>
    public Task GrantAdminAsync(string email) => RunScriptAsync(["app", "admin", "grant", email]);

    /// <summary>Stops instance <paramref name="name"/> as a rolling restart does (SIGTERM); returns what <c>cluster.sh</c> said.</summary>
    public Task<string> StopInstanceAsync(string name) => RunScriptAsync(["stop-instance", Number(name)]);

    /// <summary>Starts a stopped or killed instance again and waits until nginx sends it requests again.</summary>
    public async Task StartInstanceAsync(string name)
    {
        await RunScriptAsync(["start-instance", Number(name)]);
        // nginx gives a server that failed a few seconds' rest (fail_timeout) before trying it again.
        using var http = new HttpClient { BaseAddress = Site };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var response = await http.GetAsync("/healthz");
            if (response.IsSuccessStatusCode && ClusterBrowser.Instance(response) == name)
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"{name} did not get requests from nginx again.");
    }

    public static IEnumerable<string> InstanceNames => Enumerable.Range(1, Instances).Select(i => $"app{i}");

    private static string Number(string name) => name.StartsWith("app", StringComparison.Ordinal) ? name[3..] : throw new ArgumentException(name);

    private async Task<string> RunScriptAsync(string[] arguments, bool allowFailure = false)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        start.ArgumentList.Add(Path.Combine(_root, "scripts", "cluster.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["WXBIND_CLUSTER_STATE"] = State;
        start.Environment["WXBIND_CLUSTER_BASE_PORT"] = Environment.GetEnvironmentVariable("WXBIND_TEST_CLUSTER_BASE_PORT") ?? "24500";
        start.Environment["WXBIND_CLUSTER_POSTGRES"] = _connectionString;
        // The tests make many accounts and QR codes from one address (the balancer's).
        start.Environment["WxBind__Accounts__LoginPermitsPerMinute"] = "10000";
        start.Environment["WxBind__Accounts__RegisterPermitsPerMinute"] = "10000";
        start.Environment["WxBind__QrSessions__CreatePermitsPerMinute"] = "10000";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
        return await output + await errors;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WxBind.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("WxBind.slnx not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterTestGroup : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
