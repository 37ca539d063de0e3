using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Binding;

/// <summary>F1 end to end: website session → WeChat QR → scan in the emulator → binding.</summary>
public sealed class QrBindingTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private sealed record Site(WxBindFactory App, BrowserClient Browser, string Email, string UserId);

    private async Task<Site> LoggedInAsync(StorageProvider provider, string name = "张三")
    {
        var app = await apps.GetAsync(provider);
        var browser = BrowserClient.Create(app);
        var email = $"q{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RegisterAsync(email, displayName: name)).StatusCode);
        var userId = await ScalarAsync<string>(app, "SELECT id FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() });
        return new Site(app, browser, email, userId);
    }

    private static async Task<JsonElement> CreateSessionAsync(BrowserClient browser, string? replaces = null)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind", replaces });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<string> StatusAsync(BrowserClient browser, string id)
    {
        var view = await browser.Http.GetFromJsonAsync<JsonElement>($"/api/qr-sessions/{id}");
        return view.GetProperty("status").GetString()!;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NewFollowerScanBindsAndRepliesSuccess(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        var session = await CreateSessionAsync(site.Browser);

        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);

        Assert.Equal("subscribe", outcome.GetProperty("event").GetString());
        var reply = SimClient.ReplyText(outcome);
        Assert.StartsWith("绑定成功", reply, StringComparison.Ordinal);
        Assert.Contains("张三", reply, StringComparison.Ordinal);
        Assert.Contains("q***@example.com", reply, StringComparison.Ordinal);
        Assert.Equal("completed", await StatusAsync(site.Browser, session.GetProperty("id").GetString()!));
        Assert.Equal(openId, await ScalarAsync<string>(site.App, "SELECT openid FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
        Assert.Equal(1, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM binding_ledger WHERE user_id = @u AND action = 'bound'", new { u = site.UserId }));

        var profile = await site.Browser.GetStringAsync("/account");
        Assert.Contains(openId[..4] + "****" + openId[^4..], profile, StringComparison.Ordinal);
        Assert.Contains("已关注", profile, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ExistingFollowerScanBinds(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);
        var session = await CreateSessionAsync(site.Browser);

        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);

        Assert.Equal("SCAN", outcome.GetProperty("event").GetString());
        Assert.StartsWith("绑定成功", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(openId, await ScalarAsync<string>(site.App, "SELECT openid FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OpenIdBoundToAnotherAccountEndsInConflict(StorageProvider provider)
    {
        var first = await LoggedInAsync(provider);
        var sim = SimClient.For(first.App);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, (await CreateSessionAsync(first.Browser)).GetProperty("qrUrl").GetString()!);
        var second = await LoggedInAsync(provider, "李四");
        var session = await CreateSessionAsync(second.Browser);

        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);

        Assert.Contains("已绑定其他网站账号", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        var view = await second.Browser.Http.GetFromJsonAsync<JsonElement>($"/api/qr-sessions/{session.GetProperty("id").GetString()}");
        Assert.Equal("conflict", view.GetProperty("status").GetString());
        Assert.Equal("openid_taken", view.GetProperty("message").GetString());
        Assert.Equal(first.UserId, await ScalarAsync<string>(first.App, "SELECT user_id FROM wechat_bindings WHERE openid = @o", new { o = openId }));
        Assert.Equal(0, await ScalarAsync<long>(first.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = second.UserId }));
        Assert.Equal(1, await ScalarAsync<long>(first.App, "SELECT COUNT(*) FROM binding_ledger WHERE user_id = @u AND action = 'conflict'", new { u = second.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AccountBoundToAnotherOpenIdEndsInConflict(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var firstOpenId = await sim.NewUserAsync();
        await sim.ScanAsync(firstOpenId, (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);
        var secondOpenId = await sim.NewUserAsync();
        var session = await CreateSessionAsync(site.Browser);

        var outcome = await sim.ScanAsync(secondOpenId, session.GetProperty("qrUrl").GetString()!);

        Assert.Contains("已绑定另一个微信", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal("conflict", await StatusAsync(site.Browser, session.GetProperty("id").GetString()!));
        Assert.Equal(firstOpenId, await ScalarAsync<string>(site.App, "SELECT openid FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @o", new { o = secondOpenId }));
    }

    [Fact]
    public async Task ScansThatReadTheSameWechatUserAsUnboundBindItOnceAndTheOtherEndsInConflict()
    {
        // Two accounts' codes scanned by one WeChat user at the same moment: both scans read the
        // WeChat user as unbound before either writes (the shared writer is held meanwhile).
        var first = await LoggedInAsync(StorageProvider.Sqlite);
        var second = await LoggedInAsync(StorageProvider.Sqlite, "李四");
        var scenes = new List<(string Id, string Scene)>();
        foreach (var site in new[] { first, second })
        {
            var id = (await CreateSessionAsync(site.Browser)).GetProperty("id").GetString()!;
            scenes.Add((id, await ScalarAsync<string>(site.App, "SELECT scene_str FROM qr_sessions WHERE id = @id", new { id })));
        }
        var openId = $"oRace{Guid.NewGuid():N}"[..28];
        using var scope = first.App.Services.CreateScope();
        var binding = scope.ServiceProvider.GetRequiredService<WxBind.Binding.BindingService>();
        var database = first.App.Services.GetRequiredService<Database>();
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var holder = database.WriteAsync(async (unit, token) =>
        {
            held.SetResult();
            await release.Task;
        });
        await held.Task;

        var scans = scenes.Select(s => binding.BindByScanAsync(s.Scene, openId, CancellationToken.None)).ToArray();
        while (database.QueuedWrites < 2)
        {
            await Task.Delay(10); // both scans have read, and wait for the writer
        }
        release.SetResult();
        await holder;
        var outcomes = await Task.WhenAll(scans);

        Assert.Equal(
            [WxBind.Binding.BindResult.Bound, WxBind.Binding.BindResult.OpenIdTaken],
            outcomes.Select(o => o.Result).Order());
        Assert.Equal(1, await ScalarAsync<long>(first.App, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @o", new { o = openId }));
        var statuses = new List<string>();
        foreach (var (id, _) in scenes)
        {
            statuses.Add(await ScalarAsync<string>(first.App, "SELECT status FROM qr_sessions WHERE id = @id", new { id }));
        }
        Assert.Equal(["completed", "conflict"], statuses.Order());
        Assert.Equal(1, await ScalarAsync<long>(first.App, "SELECT COUNT(*) FROM binding_ledger WHERE openid = @o AND action = 'conflict'", new { o = openId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SecondScanOfAUsedCodeChangesNothingAndSaysSo(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var session = await CreateSessionAsync(site.Browser);
        var qrUrl = session.GetProperty("qrUrl").GetString()!;
        var owner = await sim.NewUserAsync();
        await sim.ScanAsync(owner, qrUrl);
        var stranger = await sim.NewUserAsync();

        var outcome = await sim.ScanAsync(stranger, qrUrl);

        Assert.Contains("该二维码已使用", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(owner, await ScalarAsync<string>(site.App, "SELECT openid FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @o", new { o = stranger }));
        Assert.Equal("completed", await StatusAsync(site.Browser, session.GetProperty("id").GetString()!));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ExpiredSessionReadsExpiredAndItsCodeIsGone(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, AppFixture.SharedSettings);
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync($"x{Guid.NewGuid():N}@example.com");
        var session = await CreateSessionAsync(browser);
        var id = session.GetProperty("id").GetString()!;

        app.Clock.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal("expired", await StatusAsync(browser, id));
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync($"/api/qr-sessions/{id}/qr.png")).StatusCode);
        // The expired code scanned late changes nothing: WeChat no longer emits the event.
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        Assert.False(outcome.GetProperty("delivered").GetBoolean());
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings", null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ScanArrivingAfterTheSessionExpiredChangesNothingAndSaysSo(StorageProvider provider)
    {
        // WeChat's code outlives the session here (the app asked for 300 s, the session ends at 60 s),
        // so the scan reaches the app after the session's end.
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?>(AppFixture.SharedSettings)
        {
            ["Wechat:QrExpireSeconds"] = "300",
        });
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync($"x{Guid.NewGuid():N}@example.com");
        var session = await CreateSessionAsync(browser);
        await ExecuteAsync(app, "UPDATE qr_sessions SET expires_at = @at WHERE id = @id",
            new { at = app.Clock.GetUtcNow().AddSeconds(60), id = session.GetProperty("id").GetString() });
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();

        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);

        Assert.Contains("已过期", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings", null));
        Assert.Equal("expired", await StatusAsync(browser, session.GetProperty("id").GetString()!));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AskingForAFreshCodeCancelsTheOldOne(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var old = await CreateSessionAsync(site.Browser);
        var oldId = old.GetProperty("id").GetString()!;

        var fresh = await CreateSessionAsync(site.Browser, replaces: oldId);

        Assert.NotEqual(oldId, fresh.GetProperty("id").GetString());
        Assert.Equal("cancelled", await StatusAsync(site.Browser, oldId));
        var sim = SimClient.For(site.App);
        var outcome = await sim.ScanAsync(await sim.NewUserAsync(), old.GetProperty("qrUrl").GetString()!);
        Assert.Contains("该二维码已使用", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnbindFromTheWebsiteRemovesTheBindingAndTellsWechat(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);

        var response = await site.Browser.Http.DeleteAsync("/api/account/wechat-binding");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
        Assert.Equal(1, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM binding_ledger WHERE user_id = @u AND action = 'unbound'", new { u = site.UserId }));
        Assert.Contains(await sim.ReceivedTextsAsync(openId), t => t.Contains("解除", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await site.Browser.Http.DeleteAsync("/api/account/wechat-binding")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnbindOnTheAccountPageAsksFirstThenUnbinds(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        await sim.ScanAsync(await sim.NewUserAsync(), (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);

        // The account page offers only the way to the confirm step, not the unbinding form itself.
        Assert.DoesNotContain("data-testid=\"unbind-form\"", await site.Browser.GetStringAsync("/account"), StringComparison.Ordinal);
        var response = await site.Browser.SubmitFormAsync("/account?confirm=unbind", new Dictionary<string, string>(), "/account?handler=Unbind");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("data-testid=\"bind-start\"", await site.Browser.GetStringAsync("/account"), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnbindFromWechatAsksFirstAndConfirmationRemovesTheBinding(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);

        var asked = await sim.TextAsync(openId, "解绑");

        Assert.Contains("回复「确认解绑」以解除绑定", SimClient.ReplyText(asked), StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));

        var outcome = await sim.TextAsync(openId, "确认解绑");

        Assert.Contains("已解除绑定", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
        Assert.Equal(1, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM binding_ledger WHERE openid = @o AND action = 'unbound'", new { o = openId }));
        Assert.Contains("尚未绑定", SimClient.ReplyText(await sim.TextAsync(openId, "解绑")), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConfirmationWithoutARequestOrTooLateKeepsTheBinding(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);

        var unasked = await sim.TextAsync(openId, "确认解绑");
        await sim.TextAsync(openId, "解绑");
        site.App.Clock.Advance(TimeSpan.FromMinutes(6));
        var late = await sim.TextAsync(openId, "确认解绑");

        Assert.Contains("没有待确认的解绑", SimClient.ReplyText(unasked), StringComparison.Ordinal);
        Assert.Contains("没有待确认的解绑", SimClient.ReplyText(late), StringComparison.Ordinal);
        Assert.Equal(1, await ScalarAsync<long>(site.App, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = site.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnfollowKeepsTheBindingAndMarksItNotFollowing(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var sim = SimClient.For(site.App);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, (await CreateSessionAsync(site.Browser)).GetProperty("qrUrl").GetString()!);

        await sim.UnfollowAsync(openId);
        Assert.Contains("未关注", await site.Browser.GetStringAsync("/account"), StringComparison.Ordinal);
        await sim.FollowAsync(openId);

        Assert.Contains("已关注", await site.Browser.GetStringAsync("/account"), StringComparison.Ordinal);
        var actions = await QueryAsync<string>(site.App, "SELECT action FROM binding_ledger WHERE openid = @o ORDER BY id", new { o = openId });
        Assert.Equal(["bound", "unsubscribed", "resubscribed"], actions);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AnotherBrowserCannotReadOrStreamTheSession(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var session = await CreateSessionAsync(site.Browser);
        var id = session.GetProperty("id").GetString()!;
        // Another logged-in user, and an anonymous browser, both holding the id.
        var other = await LoggedInAsync(provider, "王五");
        using var anonymous = BrowserClient.Create(site.App);

        foreach (var browser in new[] { other.Browser, anonymous })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/qr-sessions/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/qr-sessions/{id}/events")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/qr-sessions/{id}/qr.png")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await site.Browser.GetAsync($"/api/qr-sessions/{id}/qr.png")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BindSessionNeedsALoggedInUserAndAKnownPurpose(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var anonymous = BrowserClient.Create(app);

        var response = await anonymous.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var site = await LoggedInAsync(provider);
        Assert.Equal(HttpStatusCode.BadRequest, (await site.Browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "steal" })).StatusCode);
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM qr_sessions WHERE user_id = @u", new { u = site.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task EventStreamAnnouncesTheBindingAsItHappens(StorageProvider provider)
    {
        var site = await LoggedInAsync(provider);
        var session = await CreateSessionAsync(site.Browser);
        var id = session.GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/qr-sessions/{id}/events");
        using var response = await site.Browser.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        Assert.Equal("pending", await NextStatusAsync(reader, timeout.Token));
        var sim = SimClient.For(site.App);
        await sim.ScanAsync(await sim.NewUserAsync(), session.GetProperty("qrUrl").GetString()!);

        Assert.Equal("completed", await NextStatusAsync(reader, timeout.Token));
    }

    private static async Task<string> NextStatusAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[6..]).RootElement.GetProperty("status").GetString()!;
            }
        }
        throw new InvalidOperationException("The event stream ended.");
    }

    private static async Task<T> ScalarAsync<T>(WxBindFactory app, string sql, object? args)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    private static async Task<List<T>> QueryAsync<T>(WxBindFactory app, string sql, object? args)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    private static async Task ExecuteAsync(WxBindFactory app, string sql, object? args)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        await connection.ExecuteAsync(sql, args);
    }
}

/// <summary>WeChat's retries of one push bind once and answer the same.</summary>
public sealed class DuplicateScanPushTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task RepeatedDeliveryOfOneScanBindsOnceAndRepliesTheSame(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?>(AppFixture.SharedSettings)
        {
            ["Wechat:MessageMode"] = "Plain",
        });
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync($"d{Guid.NewGuid():N}@example.com");
        var created = await (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        var scene = await connection.ExecuteScalarAsync<string>("SELECT scene_str FROM qr_sessions WHERE id = @id", new { id = created.GetProperty("id").GetString() });
        var openId = "oDupl" + Guid.NewGuid().ToString("N")[..23];
        var createTime = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        var xml = $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
                  $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event>" +
                  $"<EventKey><![CDATA[{scene}]]></EventKey><Ticket><![CDATA[t]]></Ticket></xml>";
        using var wechat = app.CreateClient();

        var replies = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Each retry is signed afresh, as WeChat does; the message itself is the same.
            var timestamp = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var nonce = (1000 + attempt).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var signature = WxBind.Wechat.WechatSignature.Compute("wxbindDevToken2026", timestamp, nonce);
            var response = await wechat.PostAsync($"/wechat/callback?signature={signature}&timestamp={timestamp}&nonce={nonce}&openid={openId}",
                new StringContent(xml, System.Text.Encoding.UTF8, "text/xml"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            replies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("绑定成功", replies[0], StringComparison.Ordinal);
        Assert.All(replies, r => Assert.Equal(Content(replies[0]), Content(r)));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM binding_ledger WHERE openid = @openId", new { openId }));
    }

    private static string Content(string replyXml) => System.Xml.Linq.XDocument.Parse(replyXml).Root!.Element("Content")!.Value;
}

public sealed class QrSessionSweeperTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task SweeperExpiresOverdueSessionsAndDeletesLongEndedOnes(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, AppFixture.SharedSettings);
        using var browser = BrowserClient.Create(app);
        var first = await (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" })).Content.ReadFromJsonAsync<JsonElement>();
        var sweeper = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WxBind.QrSessions.QrSessionSweeper>().Single();
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        var id = first.GetProperty("id").GetString();

        app.Clock.Advance(TimeSpan.FromSeconds(301));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal("expired", await connection.ExecuteScalarAsync<string>("SELECT status FROM qr_sessions WHERE id = @id", new { id }));

        // Kept for the dashboard's 30-day funnel, then deleted.
        app.Clock.Advance(TimeSpan.FromDays(30));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM qr_sessions WHERE id = @id", new { id }));

        app.Clock.Advance(TimeSpan.FromDays(1));
        await sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM qr_sessions WHERE id = @id", new { id }));
    }
}
