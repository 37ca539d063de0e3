using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.QrLogin;

/// <summary>F2: log in by scanning, with the confirm step on the phone, and bind-complete.</summary>
public sealed partial class QrLoginTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    /// <summary>A website user bound to a simulated WeChat user.</summary>
    internal static async Task<(string Email, string OpenId)> BoundUserAsync(WxBindFactory app)
    {
        using var owner = BrowserClient.Create(app);
        var email = $"l{Guid.NewGuid():N}@example.com";
        await owner.RegisterAsync(email);
        var session = await (await owner.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        return (email, openId);
    }

    /// <summary>A desktop browser's login QR, scanned by a bound user: the browser, the session id and the confirm link.</summary>
    private static async Task<(BrowserClient Desktop, string Id, string Link)> ScannedByBoundUserAsync(WxBindFactory app)
    {
        var (_, openId) = await BoundUserAsync(app);
        var desktop = BrowserClient.Create(app);
        var session = await LoginSessionAsync(desktop);
        var link = ConfirmLink(await SimClient.For(app).ScanAsync(openId, session.GetProperty("qrUrl").GetString()!));
        return (desktop, session.GetProperty("id").GetString()!, link);
    }

    /// <summary>
    /// A desktop browser's login QR, scanned by a new WeChat user with no account who then agrees
    /// on the phone to be bound (F2.3): the session waits for an account.
    /// </summary>
    private static async Task<(BrowserClient Desktop, string Id, string OpenId, JsonElement Scan)> ScannedByUnboundUserAsync(WxBindFactory app)
    {
        var desktop = BrowserClient.Create(app);
        var session = await LoginSessionAsync(desktop);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var scan = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        using var phone = BrowserClient.Create(app);
        var link = ConfirmLink(scan);
        var agreed = await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Confirm"));
        Assert.Equal(HttpStatusCode.OK, agreed.StatusCode);
        return (desktop, session.GetProperty("id").GetString()!, openId, scan);
    }

    internal static async Task<JsonElement> LoginSessionAsync(BrowserClient browser)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static async Task<JsonElement> ViewAsync(BrowserClient browser, string id) =>
        await browser.Http.GetFromJsonAsync<JsonElement>($"/api/qr-sessions/{id}");

    /// <summary>The confirm (or agree) link WeChat sent (a news article), as a path on the site.</summary>
    internal static string ConfirmLink(JsonElement scanOutcome)
    {
        var url = scanOutcome.GetProperty("reply").GetProperty("articles")[0].GetProperty("url").GetString()!;
        return new Uri(url).PathAndQuery;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BoundScannerConfirmsOnThePhoneAndTheBrowserLogsInOnce(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (email, openId) = await BoundUserAsync(app);
        using var desktop = BrowserClient.Create(app);
        var session = await LoginSessionAsync(desktop);
        var id = session.GetProperty("id").GetString()!;

        var scan = await SimClient.For(app).ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        Assert.Equal("awaiting_confirmation", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);

        using var phone = BrowserClient.Create(app);
        var link = ConfirmLink(scan);
        var page = await phone.GetStringAsync(link);
        Assert.Contains("确认登录", page, StringComparison.Ordinal);
        var confirmed = await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Confirm"));
        Assert.Contains("已确认", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("completed", (await ViewAsync(desktop, id)).GetProperty("status").GetString());

        var exchange = await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        Assert.Contains(email, await desktop.GetStringAsync("/account"), StringComparison.Ordinal);
        // Exactly once, and never from another browser.
        Assert.Equal(HttpStatusCode.Conflict, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
        using var thief = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Conflict, (await thief.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await thief.GetAsync("/account")).StatusCode);
        Assert.Equal(1, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM binding_ledger WHERE openid = @openId AND action = 'qr_login'", new { openId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AnotherBrowserCannotExchangeACompletedLogin(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, link) = await ScannedByBoundUserAsync(app);
        using var _ = desktop;
        using var phone = BrowserClient.Create(app);
        await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Confirm"));

        using var thief = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Conflict, (await thief.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await phone.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);

        // The rightful browser still can.
        Assert.Equal(HttpStatusCode.OK, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TamperedOrReplayedConfirmLinkIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, link) = await ScannedByBoundUserAsync(app);
        using var _ = desktop;
        using var phone = BrowserClient.Create(app);

        var tampered = link[..^2] + (link[^2] == 'A' ? "BB" : "AA");
        var refused = await phone.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("无效", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var forged = await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(tampered) }, ConfirmPost(tampered, "Confirm"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("awaiting_confirmation", (await ViewAsync(desktop, id)).GetProperty("status").GetString());

        await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Cancel"));
        Assert.Equal(HttpStatusCode.Forbidden, (await phone.GetAsync(link)).StatusCode);
        var replay = await phone.Http.PostAsync(ConfirmPost(link, "Confirm"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["t"] = Token(link),
            ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(await phone.GetStringAsync("/account/login")),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        Assert.Equal("cancelled", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task CancelOnThePhoneLeavesTheBrowserLoggedOut(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, link) = await ScannedByBoundUserAsync(app);
        using var _ = desktop;
        using var phone = BrowserClient.Create(app);

        var cancelled = await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Cancel"));

        var page = await cancelled.Content.ReadAsStringAsync();
        Assert.Contains("已取消", page, StringComparison.Ordinal);
        Assert.Contains("在电脑上获取新的二维码再扫一次", page, StringComparison.Ordinal);
        var view = await ViewAsync(desktop, id);
        Assert.Equal("cancelled", view.GetProperty("status").GetString());
        Assert.Equal("cancelled_on_phone", view.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await desktop.GetAsync("/account")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundSinceTheScanLogsNobodyIn(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (_, openId) = await BoundUserAsync(app);
        using var desktop = BrowserClient.Create(app);
        var session = await LoginSessionAsync(desktop);
        var id = session.GetProperty("id").GetString()!;
        var sim = SimClient.For(app);
        var link = ConfirmLink(await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!));
        await sim.TextAsync(openId, "解绑");
        await sim.TextAsync(openId, "确认解绑");
        using var phone = BrowserClient.Create(app);
        await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Confirm"));

        var exchange = await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null);

        Assert.Equal(HttpStatusCode.Conflict, exchange.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await desktop.GetAsync("/account")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundScannerRegistersOnBindCompleteAndIsBound(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, openId, scan) = await ScannedByUnboundUserAsync(app);
        using var _ = desktop;

        Assert.Contains("尚未绑定", scan.GetProperty("reply").GetProperty("articles")[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        var view = await ViewAsync(desktop, id);
        Assert.Equal("needs_account", view.GetProperty("status").GetString());
        var next = view.GetProperty("next").GetString()!;
        Assert.Equal($"/account/bind-complete?session={id}", next);
        var email = $"n{Guid.NewGuid():N}@example.com";
        var registered = await desktop.SubmitFormAsync(next, new Dictionary<string, string>
        {
            ["session"] = id,
            ["RegisterForm.Email"] = email,
            ["RegisterForm.DisplayName"] = "新用户",
            ["RegisterForm.Password"] = "secret-pass-1",
        }, "/account/bind-complete?handler=Register");

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Contains(email, await desktop.GetStringAsync("/account"), StringComparison.Ordinal);
        Assert.Equal(email, await ScalarAsync<string>(app,
            "SELECT u.email FROM wechat_bindings b JOIN users u ON u.id = b.user_id WHERE b.openid = @openId", new { openId }));
        Assert.Equal("completed", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundScannerLogsIntoAnExistingAccountOnBindComplete(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = $"e{Guid.NewGuid():N}@example.com";
        using (var owner = BrowserClient.Create(app))
        {
            await owner.RegisterAsync(email);
        }
        var (desktop, id, openId, _) = await ScannedByUnboundUserAsync(app);
        using var _ = desktop;

        var wrong = await desktop.SubmitFormAsync($"/account/bind-complete?session={id}", new Dictionary<string, string>
        {
            ["session"] = id, ["LoginForm.Email"] = email, ["LoginForm.Password"] = "wrong-pass-1",
        }, "/account/bind-complete?handler=Login");
        Assert.Contains("邮箱或密码不正确", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));

        var right = await desktop.SubmitFormAsync($"/account/bind-complete?session={id}", new Dictionary<string, string>
        {
            ["session"] = id, ["LoginForm.Email"] = email, ["LoginForm.Password"] = "secret-pass-1",
        }, "/account/bind-complete?handler=Login");

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(1, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BindCompleteIsOnlyForTheBrowserThatScanned(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, openId, _) = await ScannedByUnboundUserAsync(app);
        using var _ = desktop;
        using var other = BrowserClient.Create(app);
        var users = await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users", null);

        var page = await other.GetAsync($"/account/bind-complete?session={id}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        var attempt = await other.SubmitFormAsync("/account/login", new Dictionary<string, string>
        {
            ["session"] = id,
            ["RegisterForm.Email"] = $"o{Guid.NewGuid():N}@example.com",
            ["RegisterForm.DisplayName"] = "x",
            ["RegisterForm.Password"] = "secret-pass-1",
        }, "/account/bind-complete?handler=Register");

        Assert.NotEqual(HttpStatusCode.Redirect, attempt.StatusCode);
        Assert.Contains("没有待完成的扫码登录", await attempt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
        Assert.Equal(users, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users", null));
    }

    [Fact]
    public async Task WithoutConfirmationTheScanCompletesTheLogin()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>(AppFixture.SharedSettings)
        {
            ["QrLogin:RequireConfirmation"] = "false",
        });
        var (email, openId) = await BoundUserAsync(app);
        using var desktop = BrowserClient.Create(app);
        var session = await LoginSessionAsync(desktop);
        var id = session.GetProperty("id").GetString()!;

        var scan = await SimClient.For(app).ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);

        Assert.Contains("登录成功", SimClient.ReplyText(scan), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
        Assert.Contains(email, await desktop.GetStringAsync("/account"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredLoginSessionCannotBeUsed()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, AppFixture.SharedSettings);
        var (desktop, id, link) = await ScannedByBoundUserAsync(app);
        using var _ = desktop;

        app.Clock.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal("expired", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
        using var phone = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Forbidden, (await phone.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await desktop.Http.PostAsync($"/api/qr-sessions/{id}/login", null)).StatusCode);
    }

    [Theory]
    [InlineData("zh-CN", "已过期", "重新扫码")]
    [InlineData("en", "expired", "Scan again")]
    public async Task ExpiredBindCompleteSaysWhatHappenedAndLeavesTheNextStepToItsButton(string language, string happened, string button)
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, AppFixture.SharedSettings);
        var (desktop, id, _, _) = await ScannedByUnboundUserAsync(app);
        using var _ = desktop;
        desktop.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        app.Clock.Advance(TimeSpan.FromSeconds(301));
        Assert.Equal("expired", (await ViewAsync(desktop, id)).GetProperty("status").GetString());

        var page = await desktop.Http.GetAsync($"/account/bind-complete?session={id}");
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        var notice = Regex.Match(html, "data-testid=\"bind-complete-invalid\">([^<]*)<").Groups[1].Value;
        Assert.Contains(happened, notice, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"bind-complete-rescan\" data-qr-start>{button}</button>", html, StringComparison.Ordinal);
        // The next step is said once, on the button; the notice and the help above it only explain.
        var start = html.IndexOf("data-testid=\"bind-complete-expired\"", StringComparison.Ordinal);
        var expired = html[start..html.IndexOf("</button>", start, StringComparison.Ordinal)];
        Assert.Equal(1, Regex.Count(expired, Regex.Escape(button), RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task BindCompleteOfASessionPastItsExpirySaysItExpiredEvenBeforeItIsMarkedSo()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, AppFixture.SharedSettings);
        var (desktop, id, _, _) = await ScannedByUnboundUserAsync(app);
        using var _ = desktop;
        app.Clock.Advance(TimeSpan.FromSeconds(301)); // nobody polls the session, so it is still "needs_account"

        var page = await desktop.Http.GetAsync($"/account/bind-complete?session={id}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("needs_account", await ScalarAsync<string>(app, "SELECT status FROM qr_sessions WHERE id = @id", new { id }));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        // The expired notice and its button show; no countdown runs (the forms stay, keeping what was typed for the next scan).
        Assert.Contains("<div data-testid=\"bind-complete-expired\" >", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"bind-complete-countdown\"", html, StringComparison.Ordinal);
    }

    internal static string Token(string link) => TokenRegex().Match(link).Groups[1].Value;

    internal static string ConfirmPost(string link, string handler) => $"{new Uri("http://x" + link).AbsolutePath}?handler={handler}";

    [GeneratedRegex("[?&]t=([^&]+)")]
    private static partial Regex TokenRegex();

    internal static async Task<T> ScalarAsync<T>(WxBindFactory app, string sql, object? args)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }
}
