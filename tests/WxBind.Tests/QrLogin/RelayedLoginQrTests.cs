using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.QrLogin.QrLoginTests;

namespace WxBind.Tests.QrLogin;

/// <summary>
/// A login QR relayed to someone else (DESIGN §1 F2.2–3): an unbound scanner agrees on the phone
/// before anything is bound, a bound scanner sees which account, browser, IP address and time
/// they confirm, and every QR login and binding is told in WeChat.
/// </summary>
public sealed class RelayedLoginQrTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private const string DesktopAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static Dictionary<string, string> RegisterFields(string id, string email) => new()
    {
        ["session"] = id,
        ["RegisterForm.Email"] = email,
        ["RegisterForm.DisplayName"] = "扫码注册",
        ["RegisterForm.Password"] = "secret-pass-1",
    };

    /// <summary>A desktop login QR scanned by a new, unbound WeChat user (no answer on the phone yet).</summary>
    private static async Task<(BrowserClient Desktop, string Id, string OpenId, string AgreeLink)> RelayedToUnboundUserAsync(WxBindFactory app)
    {
        var desktop = BrowserClient.Create(app);
        desktop.Http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", DesktopAgent);
        var session = await LoginSessionAsync(desktop);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var scan = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        return (desktop, session.GetProperty("id").GetString()!, openId, ConfirmLink(scan));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RelayedLoginQrBindsNothingUntilTheScannerAgreesOnThePhone(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, openId, agreeLink) = await RelayedToUnboundUserAsync(app);
        using var _ = desktop;
        var users = await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users", null);

        // The scanner was asked, not bound; the waiting page is told to wait for the phone.
        Assert.StartsWith($"/wx/agree-bind/{id}?t=", agreeLink, StringComparison.Ordinal);
        var view = await ViewAsync(desktop, id);
        Assert.Equal("awaiting_agreement", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("next").ValueKind);
        // The relaying screen cannot complete it yet: no form, no account, no binding.
        Assert.Equal(HttpStatusCode.NotFound, (await desktop.GetAsync($"/account/bind-complete?session={id}")).StatusCode);
        var early = await desktop.SubmitFormAsync("/account/login", RegisterFields(id, $"r{Guid.NewGuid():N}@example.com"), "/account/bind-complete?handler=Register");
        Assert.NotEqual(HttpStatusCode.Redirect, early.StatusCode);
        Assert.Equal(users, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users", null));
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));

        // The phone shows what is asked, from which browser and address, with the warning.
        using var phone = BrowserClient.Create(app);
        var page = await phone.GetStringAsync(agreeLink);
        Assert.Contains("绑定你的微信", page, StringComparison.Ordinal);
        Assert.Contains("Chrome · Windows", page, StringComparison.Ordinal);
        Assert.Contains("如果这不是你本人刚刚在自己的屏幕上扫的码，请点取消", page, StringComparison.Ordinal);
        var agreed = await phone.SubmitFormAsync(agreeLink, new Dictionary<string, string> { ["t"] = Token(agreeLink) }, ConfirmPost(agreeLink, "Confirm"));
        Assert.Contains("data-testid=\"agree-outcome\"", await agreed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        view = await ViewAsync(desktop, id);
        Assert.Equal("needs_account", view.GetProperty("status").GetString());
        Assert.Equal($"/account/bind-complete?session={id}", view.GetProperty("next").GetString());
        var email = $"r{Guid.NewGuid():N}@example.com";
        var done = await desktop.SubmitFormAsync($"/account/bind-complete?session={id}", RegisterFields(id, email), "/account/bind-complete?handler=Register");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(email, await ScalarAsync<string>(app,
            "SELECT u.email FROM wechat_bindings b JOIN users u ON u.id = b.user_id WHERE b.openid = @openId", new { openId }));
        // Told in WeChat: which account (masked), and where the login came from.
        var told = await SimClient.For(app).ReceivedTextsAsync(openId);
        Assert.Contains(told, t => t.StartsWith("绑定成功", StringComparison.Ordinal) && t.Contains("扫码注册", StringComparison.Ordinal)
            && t.Contains($"{email[0]}***@example.com", StringComparison.Ordinal) && t.Contains("Chrome · Windows", StringComparison.Ordinal)
            && t.Contains("北京时间", StringComparison.Ordinal) && !t.Contains(email, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DecliningOnThePhoneCancelsTheLoginAndBindsNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, openId, agreeLink) = await RelayedToUnboundUserAsync(app);
        using var _ = desktop;
        using var phone = BrowserClient.Create(app);

        var declined = await phone.SubmitFormAsync(agreeLink, new Dictionary<string, string> { ["t"] = Token(agreeLink) }, ConfirmPost(agreeLink, "Cancel"));

        var page = await declined.Content.ReadAsStringAsync();
        Assert.Contains("你的微信不会被绑定", page, StringComparison.Ordinal);
        Assert.Contains("在电脑上获取新的二维码再扫一次", page, StringComparison.Ordinal);
        var view = await ViewAsync(desktop, id);
        Assert.Equal("cancelled", view.GetProperty("status").GetString());
        Assert.Equal("declined_on_phone", view.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await desktop.GetAsync($"/account/bind-complete?session={id}")).StatusCode);
        // The link is spent: neither a second answer nor a tampered one changes anything.
        Assert.Equal(HttpStatusCode.Forbidden, (await phone.GetAsync(agreeLink)).StatusCode);
        var again = await phone.Http.PostAsync(ConfirmPost(agreeLink, "Confirm"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["t"] = Token(agreeLink),
            ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(await phone.GetStringAsync("/account/login")),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Equal("cancelled", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TamperedAgreeLinkIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (desktop, id, _, agreeLink) = await RelayedToUnboundUserAsync(app);
        using var __ = desktop;
        using var phone = BrowserClient.Create(app);
        var tampered = agreeLink[..^2] + (agreeLink[^2] == 'A' ? "BB" : "AA");

        var refused = await phone.GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("未做任何更改", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var forged = await phone.SubmitFormAsync(agreeLink, new Dictionary<string, string> { ["t"] = Token(tampered) }, ConfirmPost(tampered, "Confirm"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("awaiting_agreement", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConfirmPageNamesTheAccountBrowserAddressAndTimeAndWarnsAgainstRelays(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, AppFixture.SharedSettings,
            services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
        var (email, openId) = await BoundUserAsync(app);
        using var desktop = BrowserClient.Create(app);
        desktop.Http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", DesktopAgent);
        desktop.Http.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, "203.0.113.7");
        var session = await LoginSessionAsync(desktop);
        var sim = SimClient.For(app);
        var scan = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        Assert.Contains("203.0.113.7", scan.GetProperty("reply").GetProperty("articles")[0].GetProperty("description").GetString(), StringComparison.Ordinal);
        var link = ConfirmLink(scan);
        using var phone = BrowserClient.Create(app);

        var page = await phone.GetStringAsync(link);

        Assert.Contains($"data-testid=\"confirm-account\"><strong>「Tester」（{email[0]}***@example.com）</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain(email, page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"confirm-browser\">Chrome · Windows<", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"confirm-ip\">203.0.113.7<", page, StringComparison.Ordinal);
        var asked = app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"data-testid=\"confirm-time\">{asked}（北京时间）<", page, StringComparison.Ordinal);
        Assert.Contains("如果这不是你本人刚刚在自己的屏幕上扫的码，请点取消", page, StringComparison.Ordinal);
        // Thumb-sized: both buttons span the phone's width.
        Assert.Contains("class=\"wide\" data-testid=\"confirm-login-submit\"", page, StringComparison.Ordinal);
        Assert.Contains("class=\"wide secondary\" data-testid=\"confirm-login-cancel\"", page, StringComparison.Ordinal);

        // Confirmed and exchanged: WeChat is told of the login, with browser, address and time.
        await phone.SubmitFormAsync(link, new Dictionary<string, string> { ["t"] = Token(link) }, ConfirmPost(link, "Confirm"));
        Assert.Equal(HttpStatusCode.OK, (await desktop.Http.PostAsync($"/api/qr-sessions/{session.GetProperty("id").GetString()}/login", null)).StatusCode);
        var told = await sim.ReceivedTextsAsync(openId);
        Assert.Contains(told, t => t.StartsWith("登录提醒", StringComparison.Ordinal) && t.Contains("「Tester」", StringComparison.Ordinal)
            && t.Contains("Chrome · Windows", StringComparison.Ordinal) && t.Contains("203.0.113.7", StringComparison.Ordinal)
            && t.Contains(asked, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ParallelLoginAndRegisterOnBindCompleteLeaveNoOrphanAccount(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        for (var round = 0; round < 4; round++)
        {
            var existing = $"x{Guid.NewGuid():N}@example.com";
            using (var owner = BrowserClient.Create(app))
            {
                await owner.RegisterAsync(existing);
            }
            var registered = $"y{Guid.NewGuid():N}@example.com";
            var (desktop, id, openId) = await AgreedAsync(app);
            using var _ = desktop;
            var token = BrowserClient.AntiforgeryToken(await desktop.GetStringAsync($"/account/bind-complete?session={id}"));

            await Task.WhenAll(
                Post(desktop, "Login", token, new() { ["session"] = id, ["LoginForm.Email"] = existing, ["LoginForm.Password"] = "secret-pass-1" }),
                Post(desktop, "Register", token, RegisterFields(id, registered)));

            await AssertOneAccountBoundAndNoOrphanAsync(app, openId, existing, registered);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TwoParallelRegistrationsOnBindCompleteLeaveOneAccount(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        for (var round = 0; round < 4; round++)
        {
            var first = $"p{Guid.NewGuid():N}@example.com";
            var second = $"q{Guid.NewGuid():N}@example.com";
            var (desktop, id, openId) = await AgreedAsync(app);
            using var _ = desktop;
            var token = BrowserClient.AntiforgeryToken(await desktop.GetStringAsync($"/account/bind-complete?session={id}"));

            await Task.WhenAll(Post(desktop, "Register", token, RegisterFields(id, first)), Post(desktop, "Register", token, RegisterFields(id, second)));

            await AssertOneAccountBoundAndNoOrphanAsync(app, openId, first, second);
            Assert.Equal(1, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users WHERE email IN (@first, @second)", new { first, second }));
        }
    }

    private static async Task<(BrowserClient Desktop, string Id, string OpenId)> AgreedAsync(WxBindFactory app)
    {
        var (desktop, id, openId, agreeLink) = await RelayedToUnboundUserAsync(app);
        using var phone = BrowserClient.Create(app);
        await phone.SubmitFormAsync(agreeLink, new Dictionary<string, string> { ["t"] = Token(agreeLink) }, ConfirmPost(agreeLink, "Confirm"));
        Assert.Equal("needs_account", (await ViewAsync(desktop, id)).GetProperty("status").GetString());
        return (desktop, id, openId);
    }

    private static Task<HttpResponseMessage> Post(BrowserClient browser, string handler, string token, Dictionary<string, string> fields) =>
        browser.Http.PostAsync($"/account/bind-complete?handler={handler}",
            new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }));

    /// <summary>The openid is bound exactly once, and whichever account a registration made is the bound one.</summary>
    private static async Task AssertOneAccountBoundAndNoOrphanAsync(WxBindFactory app, string openId, params string[] emails)
    {
        Assert.Equal(1, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
        var boundUser = await ScalarAsync<string>(app, "SELECT user_id FROM wechat_bindings WHERE openid = @openId", new { openId });
        foreach (var email in emails)
        {
            var userId = await ScalarAsync<string?>(app, "SELECT id FROM users WHERE email = @email", new { email });
            var madeHere = email[0] != 'x';
            if (madeHere && userId is not null)
            {
                Assert.Equal(boundUser, userId);
            }
        }
    }

    /// <summary>Stands in for a proxy's forwarded address: the test server has no client socket.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Client-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
