// The callback benchmark: WxBind's /wechat/callback side by side with a raw Kestrel endpoint and
// node-webot's `wechat` middleware, in one run, driven by wrk (1 thread, 32 connections). Every
// request is a push signed as WeChat signs it, with its own timestamp/nonce and MsgId, written
// to a file beforehand (requests.lua replays it), so the load generator does no crypto.
//
//   dotnet run -c Release --project bench/WxBind.Bench [-- --duration 8 --connections 32 --postgres "Host=…;Username=…;Database=postgres"]
//   dotnet run -c Release --project bench/WxBind.Bench -- checkin [scans concurrency rounds]   (CheckinBench.cs)
//
// Ratios within one run are what compare across machines; absolute numbers depend on the box.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WxBind.Bench;

internal static class CallbackBench
{
    public const string Token = "benchToken2026";
    public const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string AppId = "wxbench000000001";

    // Ports of the bench's servers (22000–22999 is the bench's range).
    private const int RawPort = 22001, WebotPlainPort = 22002, WebotSafePort = 22003, AppPortBase = 22010;

    public static async Task Main(string[] args)
    {
        if (args is ["checkin", .. var checkin])
        {
            await CheckinBench.RunAsync(checkin);
            return;
        }
        var duration = int.Parse(Option(args, "--duration") ?? "8", CultureInfo.InvariantCulture);
        var connections = int.Parse(Option(args, "--connections") ?? "32", CultureInfo.InvariantCulture);
        // --only "scan and bind": one scenario (its name), for working on one path.
        var only = Option(args, "--only");
        var postgresAdmin = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("WXBIND_BENCH_POSTGRES");
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("wxbind-bench");
        var bench = new Runner(root, work.FullName, duration, connections);
        var processes = new List<Process>();
        var apps = new List<IAsyncDisposable>();
        try
        {
            // The app's content root (static files, pages) is its project folder in the source tree.
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WXBIND", Path.Combine(root, "src", "WxBind"));
            var raw = await StartRawKestrelAsync();
            apps.Add(raw);
            processes.Add(await StartWebotAsync(root, WebotPlainPort, []));
            processes.Add(await StartWebotAsync(root, WebotSafePort, [AesKey, AppId]));

            var sqlitePlain = StartApp(AppPortBase, "Plain", $"Data Source={Path.Combine(work.FullName, "plain.db")}", null);
            var sqliteSafe = StartApp(AppPortBase + 1, "Safe", $"Data Source={Path.Combine(work.FullName, "safe.db")}", null);
            apps.Add(sqlitePlain);
            apps.Add(sqliteSafe);

            var rows = new List<Row>();
            bool Runs(string scenario) => only is null || only == scenario;
            if (Runs("Plain text"))
            {
                rows.AddRange(await bench.TextScenarioAsync("Plain text", encrypted: false, (RawPort, "raw Kestrel"), (WebotPlainPort, "node-webot wechat"), (sqlitePlain.Port, sqlitePlain.Name)));
            }
            if (Runs("Safe text"))
            {
                rows.AddRange(await bench.TextScenarioAsync("Safe text", encrypted: true, (RawPort, "raw Kestrel"), (WebotSafePort, "node-webot wechat"), (sqliteSafe.Port, sqliteSafe.Name)));
            }
            if (Runs("scan and bind"))
            {
                rows.AddRange(await bench.ScanScenarioAsync("scan and bind", sqlitePlain, (RawPort, "raw Kestrel"), (WebotPlainPort, "node-webot wechat")));
            }
            if (Runs("duplicate retry storm"))
            {
                rows.AddRange(await bench.StormScenarioAsync("duplicate retry storm", (RawPort, "raw Kestrel"), (WebotPlainPort, "node-webot wechat"), (sqlitePlain.Port, sqlitePlain.Name)));
            }

            if (postgresAdmin is not null)
            {
                var database = $"wxbind_bench_{Environment.ProcessId}";
                await using (var admin = new NpgsqlConnection(postgresAdmin))
                {
                    await admin.ExecuteAsync($"CREATE DATABASE {database}");
                }
                var connectionString = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database, MaxPoolSize = 64 }.ToString();
                try
                {
                    var pgPlain = StartApp(AppPortBase + 2, "Plain", null, connectionString);
                    var pgSafe = StartApp(AppPortBase + 3, "Safe", null, connectionString);
                    // raw Kestrel and webot ran above: the PostgreSQL rows are compared with those.
                    if (Runs("Plain text"))
                    {
                        rows.AddRange(await bench.TextScenarioAsync("Plain text", encrypted: false, (pgPlain.Port, pgPlain.Name)));
                    }
                    if (Runs("Safe text"))
                    {
                        rows.AddRange(await bench.TextScenarioAsync("Safe text", encrypted: true, (pgSafe.Port, pgSafe.Name)));
                    }
                    if (Runs("scan and bind"))
                    {
                        rows.AddRange(await bench.ScanScenarioAsync("scan and bind", pgPlain));
                    }
                    if (Runs("duplicate retry storm"))
                    {
                        rows.AddRange(await bench.StormScenarioAsync("duplicate retry storm", (pgPlain.Port, pgPlain.Name)));
                    }
                    await pgPlain.DisposeAsync();
                    await pgSafe.DisposeAsync();
                }
                finally
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var admin = new NpgsqlConnection(postgresAdmin);
                    await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                }
            }

            PrintTable(rows, duration, connections);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
            }
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
            SqliteConnection.ClearAllPools();
            work.Delete(recursive: true);
        }
    }

    private static void PrintTable(List<Row> rows, int duration, int connections)
    {
        Console.WriteLine();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, node {Run("node", "--version")}, {Run("wrk", "--version").Split('\n')[0].Split(" [")[0]}");
        Console.WriteLine($"wrk: 1 thread, {connections} connections, {duration} s per row; WxBind published in Release, Production settings, logging at Warning");
        Console.WriteLine();
        Console.WriteLine("| scenario | target | req/s | p50 ms | p99 ms | × raw | × webot | CPU µs/req |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var raw = rows.First(r => r.Scenario == row.Scenario && r.Target == "raw Kestrel");
            var webot = rows.First(r => r.Scenario == row.Scenario && r.Target == "node-webot wechat");
            var note = row.Errors > 0 ? $" ({row.Errors} errors)" : row.Wrapped ? " (request file reused)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Target}{note} | {row.PerSecond:0} | {row.P50:0.00} | {row.P99:0.00} | {row.PerSecond / raw.PerSecond:0.00} | {row.PerSecond / webot.PerSecond:0.00} | {row.CpuPerRequest:0} |"));
        }
    }

    private static async Task<RawServer> StartRawKestrelAsync()
    {
        // The floor of any endpoint: Kestrel reading the body and answering "success".
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{RawPort}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/wechat/callback", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            await reader.ReadToEndAsync();
            return Results.Text("success");
        });
        await app.StartAsync();
        return new RawServer(app);
    }

    private static async Task<Process> StartWebotAsync(string root, int port, string[] crypto)
    {
        var dir = Path.Combine(root, "bench", "webot");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
        {
            Run("npm", $"ci --prefix {dir} --no-audit --no-fund");
        }
        var start = new ProcessStartInfo("node", [Path.Combine(dir, "server.js"), port.ToString(CultureInfo.InvariantCulture), Token, .. crypto])
        {
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        await process.StandardOutput.ReadLineAsync(); // "webot listening on …"
        return process;
    }

    private static AppServer StartApp(int port, string mode, string? sqlite, string? postgres)
    {
        var factory = new BenchFactory(port, mode, sqlite, postgres);
        factory.UseKestrel(port);
        factory.StartServer();
        return new AppServer(factory, port, sqlite, postgres);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WxBind.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Run the bench from the repository (WxBind.slnx not found).");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    public static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}

internal sealed record Row(string Scenario, string Target, double PerSecond, double P50, double P99, long Errors, bool Wrapped, double? CpuPerRequest);

internal sealed class RawServer(WebApplication app) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

internal sealed class AppServer(BenchFactory factory, int port, string? sqlite, string? postgres) : IAsyncDisposable
{
    public int Port => port;

    public string Name => postgres is null ? "WxBind (SQLite)" : "WxBind (PostgreSQL)";

    /// <summary>Creates <paramref name="count"/> users, each with a pending bind QR session; returns their scenes.</summary>
    public async Task<List<string>> CreateBindSessionsAsync(int count)
    {
        await using System.Data.Common.DbConnection connection = sqlite is not null ? new SqliteConnection(sqlite) : new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var scenes = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            var email = $"bench{id}@example.com";
            await connection.ExecuteAsync(
                """
                INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at)
                VALUES (@id, @email, @normalized, 'Bench', @id, @id, @now)
                """, new { id, email, normalized = email.ToUpperInvariant(), now }, transaction);
            var scene = "b_" + id;
            await connection.ExecuteAsync(
                """
                INSERT INTO qr_sessions (id, purpose, status, scene_str, browser_hash, user_id, created_at, updated_at, expires_at)
                VALUES (@id, 'bind', 'pending', @scene, 'bench', @id, @now, @now, @expires)
                """, new { id, scene, now, expires = now + 3_600_000 }, transaction);
            scenes.Add(scene);
        }
        await transaction.CommitAsync();
        return scenes;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();
}

internal sealed class BenchFactory(int port, string mode, string? sqlite, string? postgres) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("WxBind:PublicBaseUrl", $"http://127.0.0.1:{port}");
        if (postgres is not null)
        {
            builder.UseSetting("WxBind:Storage:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Postgres", postgres);
        }
        else
        {
            builder.UseSetting("ConnectionStrings:Sqlite", sqlite);
        }
        builder.UseSetting("Wechat:AppId", CallbackBench.AppId);
        builder.UseSetting("Wechat:AppSecret", "benchsecret");
        builder.UseSetting("Wechat:Token", CallbackBench.Token);
        builder.UseSetting("Wechat:EncodingAESKey", CallbackBench.AesKey);
        builder.UseSetting("Wechat:MessageMode", mode);
        builder.UseSetting("Wechat:PublishMenuOnStart", "false"); // no WeChat to publish to
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
