using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Callback;

/// <summary>
/// A captured push is never accepted twice, and never with another body (DESIGN §5): replays
/// within the whole timestamp window, the Plain-mode body swap, two instances on PostgreSQL, a
/// restart on SQLite; and no reply before the state change it announces is on disk, while the
/// reply's own record for retries is kept after the answer.
/// </summary>
public sealed class ReplayProtectionTests
{
    public static TheoryData<StorageProvider, WechatMessageMode> ProvidersAndModes
    {
        get
        {
            var data = new TheoryData<StorageProvider, WechatMessageMode>();
            foreach (var provider in TestDatabases.Providers)
            {
                data.Add(provider, WechatMessageMode.Plain);
                data.Add(provider, WechatMessageMode.Safe);
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task ReplayAt66SecondsOfAScanGetsTheStoredReplyAndChangesNothing(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);
        var site = await BindSiteAsync(app);
        var captured = Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock));

        var first = await ReplyTextAsync(app, await SendAsync(app, captured));
        app.Clock.Advance(TimeSpan.FromSeconds(66));
        var replay = await ReplyTextAsync(app, await SendAsync(app, captured));

        Assert.StartsWith("绑定成功", first, StringComparison.Ordinal);
        Assert.Equal(first, replay);
        Assert.Equal(1, await LedgerCountAsync(app, site.OpenId));
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task ReplayAt66SecondsOfATextIsHandledOnce(StorageProvider provider, WechatMessageMode mode)
    {
        await using var test = await CallbackEndpointTests.StartAsync(provider, mode);
        var app = test.Factory;
        var captured = Capture(app, WechatPush.TextXml("oAlice", "count me", 4242, app.Clock.GetUtcNow().ToUnixTimeSeconds()));

        using var http = test.App.CreateClient();
        var first = await test.Push.ReadReplyAsync(await SendAsync(http, captured));
        app.Clock.Advance(TimeSpan.FromSeconds(66));
        var replay = await test.Push.ReadReplyAsync(await SendAsync(http, captured));

        Assert.Equal(1, test.Probe.Count);
        Assert.Equal(WechatMessage.Parse(first).Content, WechatMessage.Parse(replay).Content);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task PlainModeBodySwapIsRefusedAndBindsNothing(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Plain);
        // The victim chats; the attacker captures the signed query of that push.
        var victim = "oVictim" + Guid.NewGuid().ToString("N")[..21];
        var chat = Capture(app, WechatPush.TextXml(victim, "你好", 777, app.Clock.GetUtcNow().ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, chat)).StatusCode);

        // ... and sends it with a scan of the attacker's own bind code "by" the victim.
        var attacker = await BindSiteAsync(app);
        var forged = chat with { Body = ScanXml(victim, attacker.Scene, app.Clock) };
        var response = await SendAsync(app, forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await LedgerCountAsync(app, victim));
        Assert.Equal("pending", await SessionStatusAsync(app, attacker.Scene));
    }

    [PostgresFact]
    public async Task PlainModeBodySwapIsRefusedByAnotherInstance()
    {
        await using var first = await StartAsync(StorageProvider.Postgres, WechatMessageMode.Plain);
        await using var second = WxBindFactory.SharingDatabaseOf(first, Settings(WechatMessageMode.Plain));
        var victim = "oVictim" + Guid.NewGuid().ToString("N")[..21];
        var chat = Capture(first, WechatPush.TextXml(victim, "你好", 778, first.Clock.GetUtcNow().ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(first, chat)).StatusCode);

        var attacker = await BindSiteAsync(second);
        var response = await SendAsync(second, chat with { Body = ScanXml(victim, attacker.Scene, second.Clock) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await LedgerCountAsync(first, victim));
        Assert.Equal("pending", await SessionStatusAsync(first, attacker.Scene));
    }

    [PostgresFact]
    public async Task TwoInstancesOnPostgresHandleAScanOnce()
    {
        await using var first = await StartAsync(StorageProvider.Postgres, WechatMessageMode.Safe);
        await using var second = WxBindFactory.SharingDatabaseOf(first, Settings(WechatMessageMode.Safe));
        var site = await BindSiteAsync(first);
        var xml = ScanXml(site.OpenId, site.Scene, first.Clock);

        // The same push reaches both instances at once, each delivery signed afresh (as WeChat's retries are).
        var replies = await Task.WhenAll(
            SendAsync(first, Capture(first, xml)).ContinueWith(t => ReplyTextAsync(first, t.Result)).Unwrap(),
            SendAsync(second, Capture(second, xml)).ContinueWith(t => ReplyTextAsync(second, t.Result)).Unwrap());
        // A later retry at either instance gets the stored reply.
        var retry = await ReplyTextAsync(second, await SendAsync(second, Capture(second, xml)));

        Assert.Equal(1, await LedgerCountAsync(first, site.OpenId));
        // Handled twice, the second would say the code was used; instead it gets the first's reply,
        // or "success" while the first is still running.
        Assert.Contains(replies, r => r.StartsWith("绑定成功", StringComparison.Ordinal));
        Assert.All(replies, r => Assert.True(r == "success" || r == replies.First(x => x != "success"), r));
        Assert.StartsWith("绑定成功", retry, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task APushWhoseSenderGoesAwayDuringHandlingIsGivenBackWithoutAnError()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Postgres, Settings(WechatMessageMode.Plain), s => s.AddLogging(l => l.AddProvider(logs)));
        var site = await BindSiteAsync(app);
        var scan = Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock));
        // Another transaction holds the sessions table, so the scan's handling waits inside a query.
        await using var holder = new NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE qr_sessions IN ACCESS EXCLUSIVE MODE", transaction: hold);
        await using var watcher = new NpgsqlConnection(app.ConnectionString);
        await watcher.OpenAsync();

        using var gone = new CancellationTokenSource();
        var sending = SendAsync(app.CreateClient(), scan, gone.Token);
        Assert.True(SpinWait.SpinUntil(() => watcher.ExecuteScalar<long>(
            "SELECT COUNT(*) FROM pg_locks WHERE relation = 'qr_sessions'::regclass AND NOT granted") > 0, TimeSpan.FromSeconds(30)));
        await gone.CancelAsync(); // the sender goes away
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        Assert.True(SpinWait.SpinUntil(() => logs.Lines.Any(line => line.Contains("the sender went away", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        await hold.RollbackAsync();

        // Not logged as a failure, and WeChat's retry is handled afresh.
        Assert.DoesNotContain(logs.Lines, line => line.Contains("push failed", StringComparison.Ordinal) || line.Contains("database is unavailable", StringComparison.Ordinal));
        Assert.StartsWith("绑定成功", await ReplyTextAsync(app, await SendAsync(app, scan)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterARestartOnSqliteOnlyRecordedPushesAreAnsweredAndNoOlderQueryPasses()
    {
        // The owner of the database file, which outlives both processes.
        await using var file = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var first = WxBindFactory.SharingDatabaseOf(file, Settings(WechatMessageMode.Plain));
        var site = await BindSiteAsync(first);
        var scan = Capture(first, ScanXml(site.OpenId, site.Scene, first.Clock));
        var told = await ReplyTextAsync(first, await SendAsync(first, scan));
        var chat = Capture(first, WechatPush.TextXml(site.OpenId, "你好", 779, first.Clock.GetUtcNow().ToUnixTimeSeconds()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(first, chat)).StatusCode);
        var other = await BindSiteAsync(first);

        // The process dies right after its replies; the next one starts a little later on the same file.
        await first.DisposeAsync();
        await using var second = WxBindFactory.SharingDatabaseOf(file, Settings(WechatMessageMode.Plain));
        second.Clock.Advance(first.Clock.GetUtcNow() - second.Clock.GetUtcNow() + TimeSpan.FromSeconds(10));

        var scanAgain = await ReplyTextAsync(second, await SendAsync(second, scan));
        var chatAgain = await SendAsync(second, chat);
        var forged = await SendAsync(second, chat with { Body = ScanXml(site.OpenId, other.Scene, second.Clock) });
        var fresh = await SendAsync(second, Capture(second, WechatPush.TextXml(site.OpenId, "你好", 780, second.Clock.GetUtcNow().ToUnixTimeSeconds())));

        Assert.StartsWith("绑定成功", told, StringComparison.Ordinal);
        Assert.Equal(told, scanAgain);
        Assert.Equal(HttpStatusCode.Unauthorized, chatAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(1, await LedgerCountAsync(second, site.OpenId));
        Assert.Equal("pending", await SessionStatusAsync(second, other.Scene));
    }

    [Fact]
    public async Task ReplyArrivesOnlyAfterTheBindingAndItsPushRecordAreCommitted()
    {
        // The owner of the database file, which outlives the app that is stopped below.
        await using var file = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var app = WxBindFactory.SharingDatabaseOf(file, Settings(WechatMessageMode.Plain));
        var site = await BindSiteAsync(app);
        var scan = Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock));

        var told = await ReplyTextAsync(app, await SendAsync(app, scan));
        // Read at once through a connection of our own, as a process reopening the file after a crash would.
        await using var outside = new SqliteConnection(new SqliteConnectionStringBuilder(app.ConnectionString) { Pooling = false }.ToString());
        await outside.OpenAsync();
        var bound = await outside.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId = site.OpenId });
        var claimed = await outside.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM processed_messages WHERE dedup_key LIKE @key", new { key = $"evt:{site.OpenId}:%" });
        var query = await outside.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM callback_deliveries WHERE query_key = @key", new { key = $"{scan.Timestamp}:{scan.Nonce}" });

        Assert.StartsWith("绑定成功", told, StringComparison.Ordinal);
        Assert.Equal(1, bound);
        Assert.Equal(1, claimed);
        Assert.Equal(1, query);

        // The reply itself is kept for retries right after the answer; an orderly stop waits for it.
        await app.DisposeAsync();
        var stored = await outside.ExecuteScalarAsync<string?>("SELECT reply_xml FROM processed_messages WHERE completed_at IS NOT NULL");
        Assert.NotNull(stored);
        Assert.Equal(told, Content(stored));
    }

    [Fact]
    public async Task TheAnswerDoesNotWaitForTheDiskToHoldItsReplysRecord()
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var site = await BindSiteAsync(app);
        var database = app.Services.GetRequiredService<Database>();
        await using var outside = new SqliteConnection(new SqliteConnectionStringBuilder(app.ConnectionString) { Pooling = false }.ToString());
        await outside.OpenAsync();
        // Every flush of the log passes, except one that would put a kept reply on disk: held
        // until the end. A commit is visible to other connections before its flush.
        var release = new TaskCompletionSource();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        database.FlushLog = path =>
        {
            if (outside.ExecuteScalar<long>("SELECT COUNT(*) FROM processed_messages WHERE completed_at IS NOT NULL") > 0)
            {
                held.TrySetResult();
                release.Task.Wait();
            }
            Database.FlushToDisk(path);
        };
        try
        {
            var answer = SendAsync(app, Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock)));
            // Without the change, the answer waits for the held flush and never comes.
            var told = await ReplyTextAsync(app, await answer.WaitAsync(TimeSpan.FromSeconds(60)));

            Assert.StartsWith("绑定成功", told, StringComparison.Ordinal);
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the reply was being kept meanwhile
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task NoReplyIsSentWhenThePushRecordCannotCommit()
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var site = await BindSiteAsync(app);
        await using (var connection = await app.Services.GetRequiredService<Database>().OpenAsync())
        {
            // The fault hits the push's record, which commits with the binding or not at all.
            await connection.ExecuteAsync("CREATE TRIGGER fail_claim BEFORE INSERT ON processed_messages BEGIN SELECT RAISE(ABORT, 'injected'); END;");
        }

        var reply = await ReplyTextAsync(app, await SendAsync(app, Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock))));

        // Not 绑定成功: the failed write is a database failure, so the user is asked to try again.
        Assert.Equal("系统繁忙，请稍后再试。", reply);
        Assert.Equal(0, await BindingCountAsync(app, site.OpenId));
    }

    [Fact]
    public async Task WhenTheReplyCannotBeKeptTheUserIsStillToldWhatHappenedAndARetryGetsTheSameReply()
    {
        var logs = new CapturingLoggerProvider();
        await using var file = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var app = WxBindFactory.SharingDatabaseOf(file, Settings(WechatMessageMode.Plain), s => s.AddLogging(l => l.AddProvider(logs)));
        var site = await BindSiteAsync(app);
        await using (var connection = await app.Services.GetRequiredService<Database>().OpenAsync())
        {
            // The fault sits after the answer: keeping the reply for retries fails.
            await connection.ExecuteAsync("CREATE TRIGGER fail_completion BEFORE UPDATE OF completed_at ON processed_messages BEGIN SELECT RAISE(ABORT, 'injected'); END;");
        }
        var scan = Capture(app, ScanXml(site.OpenId, site.Scene, app.Clock));

        var told = await ReplyTextAsync(app, await SendAsync(app, scan));
        var retry = await ReplyTextAsync(app, await SendAsync(app, scan));
        await app.DisposeAsync(); // an orderly stop waits for the reply's write, which fails

        Assert.StartsWith("绑定成功", told, StringComparison.Ordinal);
        Assert.Equal(told, retry);
        Assert.Equal(1, await BindingCountAsync(file, site.OpenId));
        // The failed write is reported once it has failed (its report may follow the stop).
        Assert.True(SpinWait.SpinUntil(() => logs.Lines.Any(line => line.Contains("could not be kept for retries", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
    }

    private static async Task<long> BindingCountAsync(WxBindFactory app, string openId)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId });
    }

    /// <summary>One delivery as WeChat sent it (body as on the wire), kept to be sent again as is or with another body.</summary>
    private sealed record CapturedPush(string Timestamp, string Nonce, string Body, string? MsgSignature);

    private static CapturedPush Capture(WxBindFactory app, string messageXml)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatOptions>>().Value;
        var timestamp = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetInt32(1_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        if (options.MessageMode == WechatMessageMode.Plain)
        {
            return new CapturedPush(timestamp, nonce, messageXml, null);
        }
        var encrypt = new WechatMessageCrypto(options.EncodingAesKey, options.AppId).Encrypt(messageXml);
        return new CapturedPush(timestamp, nonce, $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
            WechatSignature.ComputeMsgSignature(options.Token, timestamp, nonce, encrypt));
    }

    private static Task<HttpResponseMessage> SendAsync(WxBindFactory app, CapturedPush push) => SendAsync(app.CreateClient(), push);

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, CapturedPush push, CancellationToken cancellationToken = default)
    {
        var signature = WechatSignature.Compute("wxbindDevToken2026", push.Timestamp, push.Nonce);
        var url = $"/wechat/callback?signature={signature}&timestamp={push.Timestamp}&nonce={push.Nonce}&openid=oTest";
        if (push.MsgSignature is not null)
        {
            url += $"&encrypt_type=aes&msg_signature={push.MsgSignature}";
        }
        return http.PostAsync(url, new StringContent(push.Body, Encoding.UTF8, "text/xml"), cancellationToken);
    }

    /// <summary>The reply's text (decrypted in Safe mode), or "success".</summary>
    private static async Task<string> ReplyTextAsync(WxBindFactory app, HttpResponseMessage response)
    {
        var xml = await new WechatPush(app, app.Clock).ReadReplyAsync(response);
        return xml == "success" ? xml : Content(xml);
    }

    private static string Content(string replyXml) => WechatMessage.Parse(replyXml).Content ?? "";

    private static Dictionary<string, string?> Settings(WechatMessageMode mode) => new(AppFixture.SharedSettings)
    {
        ["Wechat:MessageMode"] = mode.ToString(),
    };

    private static Task<WxBindFactory> StartAsync(StorageProvider provider, WechatMessageMode mode) =>
        WxBindFactory.CreateAsync(provider, Settings(mode));

    private sealed record BindSite(string Scene, string OpenId);

    /// <summary>A registered, logged-in user with a fresh bind QR code, and a new WeChat user to scan it.</summary>
    private static async Task<BindSite> BindSiteAsync(WxBindFactory app)
    {
        using var browser = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RegisterAsync($"r{Guid.NewGuid():N}@example.com")).StatusCode);
        var created = await (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        var scene = await connection.ExecuteScalarAsync<string>("SELECT scene_str FROM qr_sessions WHERE id = @id", new { id = created.GetProperty("id").GetString() });
        return new BindSite(scene!, "oScan" + Guid.NewGuid().ToString("N")[..23]);
    }

    private static string ScanXml(string openId, string scene, TimeProvider clock) =>
        $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
        $"<CreateTime>{clock.GetUtcNow().ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event>" +
        $"<EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[t]]></Ticket></xml>";

    private static async Task<long> LedgerCountAsync(WxBindFactory app, string openId)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM binding_ledger WHERE openid = @openId", new { openId });
    }

    private static async Task<string?> SessionStatusAsync(WxBindFactory app, string scene)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<string>("SELECT status FROM qr_sessions WHERE scene_str = @scene", new { scene });
    }
}
