// Check-in scans through the real WeChat callback: N bound, signed-up attendees each scan the
// door code once (SCAN pushes, Plain mode), C at a time, against WxBind on a fresh SQLite file,
// after a warm-up of 20,000 scans (or as many as measured, if more) on another event. The warm-up
// is long enough for .NET's tiered compiler to replace the first, quickly compiled code with its
// optimized code: after only 2,000 scans (about 1.5 s) a run measured half the throughput at twice
// the CPU per scan, which is the first seconds after a start and not a server's steady state. The
// warm-up's own figures are printed too.
//
//   dotnet run -c Release --project bench/WxBind.Bench -- checkin [scans] [concurrency]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace WxBind.Bench;

internal static class CheckinBench
{
    private const string Token = "benchToken2026";
    private const string AppId = "wxbench000000001";
    private const int WarmUpScans = 20_000;

    public static async Task RunAsync(string[] args)
    {
        var scans = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;

        var dataDir = Directory.CreateTempSubdirectory("wxbind-checkin-bench");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "WxBind.slnx")))
        {
            root = root.Parent;
        }
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WXBIND", Path.Combine(root!.FullName, "src", "WxBind"));
        var port = FreePort();
        var dbPath = Path.Combine(dataDir.FullName, "bench.db");
        await using var factory = new CheckinBenchFactory(port, dbPath);
        factory.UseKestrel(port);
        factory.StartServer();

        // Two events, each with its attendees (bound, signed up) and a live door code, written
        // straight to the database before any load: the first warms the app up (JIT tiers, pools),
        // the second is measured.
        var now = DateTimeOffset.UtcNow;
        var warmUp = await SeedEventAsync(dbPath, "warmup", Math.Max(scans, WarmUpScans), now);
        var measured = await SeedEventAsync(dbPath, "bench", scans, now);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        long nonce = 0;
        HttpRequestMessage Scan(string openId, string scene)
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var n = Interlocked.Increment(ref nonce).ToString(CultureInfo.InvariantCulture);
            var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[bench]]></Ticket></xml>";
            return new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/wechat/callback?signature={Sha1Sorted(Token, ts, n)}&timestamp={ts}&nonce={n}&openid={openId}")
            {
                Content = new StringContent(xml, Encoding.UTF8, "text/xml"),
            };
        }

        async Task<(double Seconds, double[] Latencies, int CheckedIn, TimeSpan Cpu)> RunAsync(SeededEvent seeded)
        {
            var latencies = new double[seeded.OpenIds.Length];
            var next = -1;
            var checkedIn = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < seeded.OpenIds.Length)
                {
                    using var request = Scan(seeded.OpenIds[i], seeded.Scene);
                    var start = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.OK && body.Contains("签到成功", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref checkedIn);
                    }
                }
            }));
            var elapsed = clock.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            return (elapsed, latencies, checkedIn, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }

        var warm = await RunAsync(warmUp);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {warm.CheckedIn}/{warmUp.OpenIds.Length} checked in on another event, {warmUp.OpenIds.Length / warm.Seconds:0} scans/s, p99 {warm.Latencies[(int)(warm.Latencies.Length * 0.99)]:0.00} ms, CPU {warm.Cpu.TotalMicroseconds / warmUp.OpenIds.Length:0} µs/scan"));
        var (seconds, sorted, done, cpu) = await RunAsync(measured);
        var eventId = measured.EventId;
        Console.WriteLine($"check-in scans: {scans}, concurrency: {concurrency}, cores: {Environment.ProcessorCount}, SQLite, Plain mode");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scans / seconds,9:0} scans/s  p50 {sorted[scans / 2],6:0.00} ms  p99 {sorted[(int)(scans * 0.99)],6:0.00} ms  max {sorted[^1],7:0.0} ms  checked in: {done}/{scans}  CPU {cpu.TotalMicroseconds / scans:0} µs/scan (app and client)"));
        await using (var connection = new SqliteConnection($"Data Source={dbPath}"))
        {
            Console.WriteLine($"database: checked_in = {await connection.ExecuteScalarAsync<long>("SELECT checked_in FROM events WHERE id = @eventId", new { eventId })}, " +
                $"recorded scans = {await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM event_checkins WHERE event_id = @eventId", new { eventId })}");
        }
        SqliteConnection.ClearAllPools();
        dataDir.Delete(recursive: true);
    }

    private sealed record SeededEvent(string EventId, string Scene, string[] OpenIds);

    private static async Task<SeededEvent> SeedEventAsync(string dbPath, string eventId, int attendees, DateTimeOffset now)
    {
        var scene = $"c_{eventId}doorcode";
        var openIds = Enumerable.Range(0, attendees).Select(i => $"o{eventId}{i:D20}").ToArray();
        await using var connection = new SqliteConnection($"Data Source={dbPath}");
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO events (id, title, description, place, starts_at, ends_at, signup_deadline, capacity, status, registered, checked_in, created_at, updated_at)
            VALUES (@eventId, 'bench', '', 'hall', @starts, @ends, @starts, @capacity, 'published', @capacity, 0, @now, @now)
            """, new { eventId, starts = now.AddMinutes(10), ends = now.AddHours(3), capacity = attendees, now }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO event_door_codes (scene_str, event_id, session_id, created_at, accept_until) VALUES (@scene, @eventId, 'bench', @now, @until)",
            new { scene, eventId, now, until = now.AddHours(1) }, transaction);
        for (var i = 0; i < attendees; i++)
        {
            var userId = $"{eventId}-user-{i}";
            var row = new { userId, email = $"{eventId}{i}@example.com", normalized = $"{eventId}{i}@EXAMPLE.COM".ToUpperInvariant(), openId = openIds[i], appId = AppId, eventId, now };
            await connection.ExecuteAsync(
                "INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at) VALUES (@userId, @email, @normalized, 'bench', 'x', 'x', 0)", row, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO wechat_bindings (user_id, app_id, openid, subscribed, bound_at) VALUES (@userId, @appId, @openId, 1, @now)", row, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO event_registrations (event_id, user_id, status, via, registered_at) VALUES (@eventId, @userId, 'registered', 'bench', @now)", row, transaction);
        }
        await transaction.CommitAsync();
        return new SeededEvent(eventId, scene, openIds);
    }

    private static string Sha1Sorted(params string[] parts)
    {
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat's signature is SHA-1 by protocol.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal sealed class CheckinBenchFactory(int port, string dbPath) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("WxBind:PublicBaseUrl", $"http://127.0.0.1:{port}");
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={dbPath}");
        builder.UseSetting("Wechat:AppId", AppIdValue);
        builder.UseSetting("Wechat:AppSecret", "benchsecret");
        builder.UseSetting("Wechat:Token", "benchToken2026");
        builder.UseSetting("Wechat:EncodingAESKey", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        builder.UseSetting("Wechat:MessageMode", "Plain");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    private const string AppIdValue = "wxbench000000001";
}
