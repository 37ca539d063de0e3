// Measures WxBind's WeChat callback against a raw Kestrel endpoint in the same process and run:
// the ratio, not the absolute numbers, is what compares across machines.
//
//   dotnet run -c Release --project bench/WxBind.Bench [-- requests concurrency]
//   dotnet run -c Release --project bench/WxBind.Bench -- checkin [scans concurrency]   (CheckinBench.cs)
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WxBind.Bench;

internal static class CallbackBench
{
    public static async Task Main(string[] args)
    {
        if (args is ["checkin", .. var checkin])
        {
            await CheckinBench.RunAsync(checkin);
            return;
        }
        var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        const string Token = "benchToken2026";
        const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        const string AppId = "wxbench000000001";

        // 1. The raw endpoint: Kestrel answering "success" to the same POST.
        var rawPort = FreePort();
        var raw = WebApplication.CreateSlimBuilder();
        raw.WebHost.UseUrls($"http://127.0.0.1:{rawPort}");
        raw.Logging.ClearProviders();
        var rawApp = raw.Build();
        rawApp.MapPost("/wechat/callback", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            await reader.ReadToEndAsync();
            return Results.Text("success");
        });
        await rawApp.StartAsync();

        // 2. WxBind on a fresh SQLite file, Safe mode, on a real socket.
        var dataDir = Directory.CreateTempSubdirectory("wxbind-bench");
        // The app's content root (static files, pages) is its project folder in the source tree.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "WxBind.slnx")))
        {
            root = root.Parent;
        }
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WXBIND", Path.Combine(root!.FullName, "src", "WxBind"));
        var appPort = FreePort();
        await using var factory = new BenchFactory(appPort, Path.Combine(dataDir.FullName, "bench.db"), Token, AesKey, AppId);
        factory.UseKestrel(appPort);
        factory.StartServer();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        var aes = Convert.FromBase64String(AesKey + "=");
        long msgId = 1;

        HttpRequestMessage SafePush(int port)
        {
            var id = Interlocked.Increment(ref msgId);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBenchUser0000000000000000001]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>{id}</MsgId></xml>";
            var encrypt = Encrypt(aes, xml, AppId);
            var nonce = id.ToString(CultureInfo.InvariantCulture);
            var signature = Sha1Sorted(Token, now, nonce);
            var msgSignature = Sha1Sorted(Token, now, nonce, encrypt);
            var body = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
            return new HttpRequestMessage(HttpMethod.Post,
                $"http://127.0.0.1:{port}/wechat/callback?signature={signature}&timestamp={now}&nonce={nonce}&openid=oBenchUser0000000000000000001&encrypt_type=aes&msg_signature={msgSignature}")
            {
                Content = new StringContent(body, Encoding.UTF8, "text/xml"),
            };
        }

        Console.WriteLine($"requests per target: {requests}, concurrency: {concurrency}, cores: {Environment.ProcessorCount}");
        await RunAsync("warm-up raw", rawPort, requests / 10);
        await RunAsync("warm-up wxbind", appPort, requests / 10);
        var rawResult = await RunAsync("raw Kestrel", rawPort, requests);
        var appResult = await RunAsync("WxBind callback (Safe mode, text → help reply)", appPort, requests);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio WxBind/raw: throughput {appResult.PerSecond / rawResult.PerSecond:0.000}, p50 latency {appResult.P50 / rawResult.P50:0.0}x, p99 latency {appResult.P99 / rawResult.P99:0.0}x"));

        await rawApp.StopAsync();
        dataDir.Delete(recursive: true);

        async Task<Result> RunAsync(string name, int port, int count)
        {
            var latencies = new double[count];
            var next = -1;
            var failures = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    using var request = SafePush(port);
                    var start = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsStringAsync();
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }));
            clock.Stop();
            Array.Sort(latencies);
            var result = new Result(count / clock.Elapsed.TotalSeconds, latencies[count / 2], latencies[(int)(count * 0.99)], latencies[^1]);
            if (!name.StartsWith("warm-up", StringComparison.Ordinal))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-50} {result.PerSecond,9:0} req/s  p50 {result.P50,6:0.00} ms  p99 {result.P99,6:0.00} ms  max {result.Max,7:0.0} ms  non-200: {failures}"));
            }
            return result;
        }

        static string Sha1Sorted(params string[] parts)
        {
            Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat's signature is SHA-1 by protocol.
            return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
        }

        static string Encrypt(byte[] key, string message, string appId)
        {
            var msg = Encoding.UTF8.GetBytes(message);
            var app = Encoding.UTF8.GetBytes(appId);
            var plain = new List<byte>(RandomNumberGenerator.GetBytes(16));
            plain.AddRange([(byte)(msg.Length >> 24), (byte)(msg.Length >> 16), (byte)(msg.Length >> 8), (byte)msg.Length]);
            plain.AddRange(msg);
            plain.AddRange(app);
            var pad = 32 - plain.Count % 32;
            plain.AddRange(Enumerable.Repeat((byte)pad, pad));
            using var aes = Aes.Create();
            aes.Key = key;
            return Convert.ToBase64String(aes.EncryptCbc(plain.ToArray(), key[..16], PaddingMode.None));
        }

        static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

internal sealed record Result(double PerSecond, double P50, double P99, double Max);

internal sealed class BenchFactory(int port, string dbPath, string token, string aesKey, string appId) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("WxBind:PublicBaseUrl", $"http://127.0.0.1:{port}");
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={dbPath}");
        builder.UseSetting("Wechat:AppId", appId);
        builder.UseSetting("Wechat:AppSecret", "benchsecret");
        builder.UseSetting("Wechat:Token", token);
        builder.UseSetting("Wechat:EncodingAESKey", aesKey);
        builder.UseSetting("Wechat:MessageMode", "Safe");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
