using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WxBind.Bench;

/// <summary>
/// Writes each scenario's pushes to a file (signed, and encrypted in Safe mode, as WeChat sends
/// them) and runs wrk over it against each target.
/// </summary>
internal sealed class Runner(string root, string work, int duration, int connections)
{
    // Pushes per second a file holds for WxBind: a target faster than this reuses the file, and
    // its row says so (repeats are duplicates, cheaper than fresh pushes).
    private const int FreshPerSecond = 40_000;

    // Each target is warmed up this long before it is measured: the JIT's tiers and PGO settle, and
    // the figures are the steady state a long-running server has.
    private const int WarmUpSeconds = 5;

    // raw Kestrel and webot keep no state, so a short file, reused, serves them.
    private const int SharedFileSize = 50_000;

    private readonly byte[] _aesKey = Convert.FromBase64String(CallbackBench.AesKey + "=");
    private long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    public async Task<List<Row>> TextScenarioAsync(string scenario, bool encrypted, params (int Port, string Name)[] targets)
    {
        var rows = new List<Row>();
        foreach (var (port, name) in targets)
        {
            var stateful = name.StartsWith("WxBind", StringComparison.Ordinal);
            await WrkAsync(port, await WriteAsync(FreshPerSecond * WarmUpSeconds / 2, _ => TextPush(encrypted)), WarmUpSeconds);
            var file = await WriteAsync(stateful ? FreshPerSecond * duration : SharedFileSize, _ => TextPush(encrypted));
            rows.Add(Measure(scenario, name, stateful, await WrkAsync(port, file, duration)));
        }
        return rows;
    }

    /// <summary>Each push scans another user's pending bind code: a binding, a ledger entry, a session change, a dedup record.</summary>
    public async Task<List<Row>> ScanScenarioAsync(string scenario, AppServer app, params (int Port, string Name)[] references)
    {
        var rows = new List<Row>();
        var shared = await WriteAsync(SharedFileSize, _ => ScanPush("b_" + Guid.NewGuid().ToString("N")));
        foreach (var (port, name) in references)
        {
            await WrkAsync(port, shared, WarmUpSeconds);
            rows.Add(Measure(scenario, name, false, await WrkAsync(port, shared, duration)));
        }
        // Every session exists before the first scan: the bulk insert must not hold the database
        // while the app is under load.
        var warmUp = await app.CreateBindSessionsAsync(5_000 * WarmUpSeconds);
        var scenes = await app.CreateBindSessionsAsync(10_000 * duration);
        var file = await WriteAsync(scenes.Count, i => ScanPush(scenes[i]));
        await WrkAsync(app.Port, await WriteAsync(warmUp.Count, i => ScanPush(warmUp[i])), WarmUpSeconds);
        rows.Add(Measure(scenario, app.Name, true, await WrkAsync(app.Port, file, duration)));
        return rows;
    }

    /// <summary>One push delivered over and over, each delivery signed afresh as WeChat's retries are: handled once, answered from memory.</summary>
    public async Task<List<Row>> StormScenarioAsync(string scenario, params (int Port, string Name)[] targets)
    {
        var rows = new List<Row>();
        foreach (var (port, name) in targets)
        {
            var stateful = name.StartsWith("WxBind", StringComparison.Ordinal);
            var msgId = Interlocked.Increment(ref _sequence);
            var file = await WriteAsync(stateful ? FreshPerSecond * duration : SharedFileSize, _ => TextPush(false, msgId));
            await WrkAsync(port, file, WarmUpSeconds);
            rows.Add(Measure(scenario, name, stateful, await WrkAsync(port, file, duration)));
        }
        return rows;
    }

    private static Row Measure(string scenario, string target, bool mustBeFresh, WrkResult result)
    {
        // node-webot runs in a process of its own: its CPU time is not this process's.
        var cpu = target.StartsWith("node-webot", StringComparison.Ordinal) ? (double?)null : result.CpuMicroseconds / (double)Math.Max(1, result.Requests);
        var row = new Row(scenario, target, result.Requests / (result.DurationMicroseconds / 1e6), result.P50Microseconds / 1000.0,
            result.P99Microseconds / 1000.0, result.Errors, mustBeFresh && result.Wraps > 0, cpu);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario,-22} {target,-22} {row.PerSecond,9:0} req/s  p50 {row.P50,6:0.00} ms  p99 {row.P99,6:0.00} ms  CPU {cpu,5:0} µs/req  errors {row.Errors}"));
        return row;
    }

    private async Task<WrkResult> WrkAsync(int port, string file, int seconds)
    {
        var script = Path.Combine(root, "bench", "WxBind.Bench", "requests.lua");
        // The servers in this process (raw Kestrel, WxBind) are the only ones busy meanwhile: the
        // process's CPU time over the run, per request, is what a request costs, whatever else
        // the machine is doing.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var output = await Task.Run(() => CallbackBench.Run("wrk",
            $"-t1 -c{connections} -d{seconds}s --timeout 5s -s {script} http://127.0.0.1:{port} -- {file}"));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("WRKRESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result:\n{output}");
        var f = line.Split(' ').Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return new WrkResult(f[0], f[1], f[2], f[3], f[4], f[5], (long)cpu.TotalMicroseconds);
    }

    private async Task<string> WriteAsync(int count, Func<int, string> line)
    {
        var path = Path.Combine(work, $"requests-{Guid.NewGuid():N}.txt");
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        for (var i = 0; i < count; i++)
        {
            await writer.WriteAsync(line(i));
            await writer.WriteAsync('\n');
        }
        return path;
    }

    private string TextPush(bool encrypted, long? msgId = null)
    {
        var id = msgId ?? Interlocked.Increment(ref _sequence);
        var openId = "oBench" + (id % 100_000).ToString("D22", CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>{id}</MsgId></xml>";
        return Signed(xml, openId, encrypted);
    }

    private string ScanPush(string scene)
    {
        var openId = "oScan" + Guid.NewGuid().ToString("N")[..23];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[bench]]></Ticket></xml>";
        return Signed(xml, openId, encrypted: false);
    }

    /// <summary>"path?query&lt;TAB&gt;body": a fresh nonce per delivery, so each one is its own signed query.</summary>
    private string Signed(string xml, string openId, bool encrypted)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
        var path = $"/wechat/callback?signature={Sha1Sorted(CallbackBench.Token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid={openId}";
        if (!encrypted)
        {
            return $"{path}\t{xml}";
        }
        var encrypt = Encrypt(xml);
        return $"{path}&encrypt_type=aes&msg_signature={Sha1Sorted(CallbackBench.Token, timestamp, nonce, encrypt)}\t" +
            $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
    }

    /// <summary>WeChat's signature: SHA-1 of the parts sorted and joined (wechat-protocol.md).</summary>
    internal static string Sha1Sorted(params string[] parts)
    {
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat's signature is SHA-1 by protocol.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    /// <summary>WeChat's message encryption (wechat-protocol.md §3): random(16) ‖ length ‖ message ‖ appid, PKCS#7 to 32, AES-256-CBC.</summary>
    private string Encrypt(string message)
    {
        var msg = Encoding.UTF8.GetBytes(message);
        var app = Encoding.UTF8.GetBytes(CallbackBench.AppId);
        var plain = new List<byte>(RandomNumberGenerator.GetBytes(16));
        plain.AddRange([(byte)(msg.Length >> 24), (byte)(msg.Length >> 16), (byte)(msg.Length >> 8), (byte)msg.Length]);
        plain.AddRange(msg);
        plain.AddRange(app);
        var pad = 32 - plain.Count % 32;
        plain.AddRange(Enumerable.Repeat((byte)pad, pad));
        using var aes = Aes.Create();
        aes.Key = _aesKey;
        return Convert.ToBase64String(aes.EncryptCbc(plain.ToArray(), _aesKey[..16], PaddingMode.None));
    }
}

internal sealed record WrkResult(long Requests, long DurationMicroseconds, long P50Microseconds, long P99Microseconds, long Errors, long Wraps, long CpuMicroseconds);
