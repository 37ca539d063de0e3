// Check-in scans through the real WeChat callback: N bound, signed-up attendees each scan the
// door code once (SCAN pushes, Plain mode), C at a time, against WxBind on a fresh SQLite file.
//
// It measures a server in its steady state, not one that has just started. .NET's tiered compiler
// first runs quickly compiled code and swaps in optimized code over the first seconds under load;
// on this 2-core machine a scan costs about 1,200 µs of CPU in the first 10,000 scans, 800 µs in
// the next 10,000 and about 450 µs from then on. So the warm-up runs rounds of 10,000 scans (on
// one event of 80,000 attendees) until a round's CPU per scan is within 5 % of the round before it
// (at least 3 rounds, at most 8), and prints every round. Then R rounds of N scans are measured, each
// on a fresh event with fresh attendees, each printed, and their medians.
//
// Every attendee is seeded (written straight to the database) before the first round. A seed
// between rounds took SQLite's write lock beside the app's: a write of the app's (a sweep) waited
// for it while holding the app's write turn, and the next round's first scans waited up to 1 s.
//
//   dotnet run -c Release --project bench/WxBind.Bench -- checkin [scans] [concurrency] [rounds]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace WxBind.Bench;

internal static class CheckinBench
{
    private const int WarmUpRoundScans = 10_000, MinWarmUpRounds = 3, MaxWarmUpRounds = 8;

    public static async Task RunAsync(string[] args)
    {
        var scans = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;

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

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        long nonce = 0;
        HttpRequestMessage Scan(string openId, string scene)
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var n = Interlocked.Increment(ref nonce).ToString(CultureInfo.InvariantCulture);
            var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[bench]]></Ticket></xml>";
            return new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/wechat/callback?signature={Runner.Sha1Sorted(CallbackBench.Token, ts, n)}&timestamp={ts}&nonce={n}&openid={openId}")
            {
                Content = new StringContent(xml, Encoding.UTF8, "text/xml"),
            };
        }

        // The warm-up's attendees are one event's, a round of 10,000 at a time; each measured round
        // scans the door code of an event of its own.
        var now = DateTimeOffset.UtcNow;
        var warmUp = await SeedEventAsync(dbPath, "warmup", WarmUpRoundScans * MaxWarmUpRounds, now);
        var measuredEvents = new List<SeededEvent>();
        for (var i = 1; i <= rounds; i++)
        {
            measuredEvents.Add(await SeedEventAsync(dbPath, $"bench{i}", scans, now));
        }

        async Task<Round> RunRoundAsync(SeededEvent seeded)
        {
            var attendees = seeded.OpenIds.Length;
            var latencies = new double[attendees];
            var next = -1;
            var checkedIn = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (gen2, paused) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < attendees)
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
            var cpuPerScan = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / attendees;
            var gc = (Gen2: GC.CollectionCount(2) - gen2, Paused: GC.GetTotalPauseDuration() - paused);
            Array.Sort(latencies);
            return new Round(attendees / elapsed, latencies[attendees / 2], latencies[(int)(attendees * 0.99)], latencies[^1], cpuPerScan, gc.Paused.TotalMilliseconds, gc.Gen2, checkedIn);
        }

        Console.WriteLine($"check-in scans: {scans} a round, {rounds} rounds, concurrency: {concurrency}, cores: {Environment.ProcessorCount}, SQLite, Plain mode");
        var previous = double.MaxValue;
        for (var i = 1; i <= MaxWarmUpRounds; i++)
        {
            var round = await RunRoundAsync(warmUp with { OpenIds = warmUp.OpenIds[((i - 1) * WarmUpRoundScans)..(i * WarmUpRoundScans)] });
            Console.WriteLine($"warm-up {i,2}: {round}");
            if (i >= MinWarmUpRounds && round.CpuPerScan > previous * 0.95)
            {
                break;
            }
            previous = round.CpuPerScan;
        }
        var measured = new List<Round>();
        foreach (var seeded in measuredEvents)
        {
            var round = await RunRoundAsync(seeded);
            measured.Add(round);
            await using var connection = new SqliteConnection($"Data Source={dbPath}");
            var (checkedIn, recorded) = await connection.QuerySingleAsync<(long, long)>(
                "SELECT checked_in, (SELECT COUNT(*) FROM event_checkins WHERE event_id = @EventId) FROM events WHERE id = @EventId", seeded);
            Console.WriteLine($"round   {measured.Count,2}: {round}; in the database: checked_in {checkedIn}, recorded scans {recorded}");
        }
        double Median(Func<Round, double> value) => measured.Select(value).Order().ElementAt(measured.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of {rounds}: {Median(r => r.ScansPerSecond):0} scans/s, p99 {Median(r => r.P99):0.00} ms; rounds with p99 under 30 ms: {measured.Count(r => r.P99 < 30)}/{rounds}"));

        SqliteConnection.ClearAllPools();
        dataDir.Delete(recursive: true);
    }

    private sealed record SeededEvent(string EventId, string Scene, string[] OpenIds);

    /// <summary>One round's figures, and how many scanners were told 签到成功.</summary>
    private sealed record Round(double ScansPerSecond, double P50, double P99, double Max, double CpuPerScan, double GcPausedMs, int Gen2Collections, int Told)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{ScansPerSecond,6:0} scans/s  p50 {P50,6:0.00} ms  p99 {P99,6:0.00} ms  max {Max,6:0.0} ms  CPU {CpuPerScan,5:0} µs/scan (app and client)  GC paused {GcPausedMs,4:0} ms ({Gen2Collections} gen2)  told 签到成功 {Told}");
    }

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
            var row = new { userId, email = $"{eventId}{i}@example.com", normalized = $"{eventId}{i}@EXAMPLE.COM".ToUpperInvariant(), openId = openIds[i], appId = CallbackBench.AppId, eventId, now };
            await connection.ExecuteAsync(
                "INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at) VALUES (@userId, @email, @normalized, 'bench', 'x', 'x', 0)", row, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO wechat_bindings (user_id, app_id, openid, subscribed, bound_at) VALUES (@userId, @appId, @openId, 1, @now)", row, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO event_registrations (event_id, user_id, status, via, registered_at) VALUES (@eventId, @userId, 'registered', 'bench', @now)", row, transaction);
        }
        await transaction.CommitAsync();
        // The seed is not what is measured: its pages are copied into the database file and put on
        // disk now, so that no checkpoint of the app's copies them during a round.
        var (busy, _, _) = await connection.QuerySingleAsync<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
        if (busy != 0)
        {
            throw new InvalidOperationException("The seed could not be checkpointed: the app held the database.");
        }
        return new SeededEvent(eventId, scene, openIds);
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
        builder.UseSetting("Wechat:AppId", CallbackBench.AppId);
        builder.UseSetting("Wechat:AppSecret", "benchsecret");
        builder.UseSetting("Wechat:Token", CallbackBench.Token);
        builder.UseSetting("Wechat:EncodingAESKey", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        builder.UseSetting("Wechat:MessageMode", "Plain");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
