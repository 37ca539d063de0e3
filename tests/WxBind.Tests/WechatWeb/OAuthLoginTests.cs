using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.WechatWeb;

/// <summary>F3.3: <c>/wx/oauth/start</c> → WeChat's authorize page → <c>/wx/oauth/callback</c>.</summary>
public sealed class OAuthLoginTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    /// <summary>Starts OAuth in <paramref name="browser"/>; returns WeChat's authorize URL and the state in it.</summary>
    private static async Task<(string AuthorizeUrl, string State)> StartAsync(BrowserClient browser, string returnUrl = "/account")
    {
        var start = await browser.GetAsync($"/wx/oauth/start?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var authorize = start.Headers.Location!.ToString();
        var query = QueryHelpers.ParseQuery(new Uri(authorize).Query);
        Assert.Equal("snsapi_base", query["scope"].ToString());
        Assert.Equal("http://localhost/wx/oauth/callback", query["redirect_uri"].ToString());
        return (authorize, query["state"].ToString());
    }

    /// <summary>What WeChat's authorize page does for <paramref name="openId"/>: the callback URL with a fresh code.</summary>
    private static async Task<string> AuthorizeAsync(WxBindFactory app, string authorizeUrl, string openId)
    {
        using var wechat = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, authorizeUrl);
        request.Headers.Add("Cookie", $"wxemu_openid={openId}");
        var response = await wechat.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OAuthInTheWechatBrowserLeadsToRegisterAndBinds(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var landing = await sim.OpenAsync(openId, "http://localhost/wx/oauth/start?returnUrl=%2Faccount");

        Assert.Equal("http://localhost/wx/login", landing.GetProperty("finalUrl").GetString());
        Assert.True(landing.GetProperty("visited").EnumerateArray().Any(v => v.GetString()!.Contains("/connect/oauth2/authorize", StringComparison.Ordinal)), landing.GetProperty("visited").ToString());
        var email = NewEmail();
        var done = await SubmitInWechatAsync(sim, openId, "http://localhost/wx/register", RegisterForm(email, "授权用户"));
        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(await UserIdAsync(app, email), await BoundUserIdAsync(app, openId));
        Assert.Contains(await sim.ReceivedTextsAsync(openId), t => t.StartsWith("绑定成功", StringComparison.Ordinal));

        // Next time the same way in signs the bound user straight in and goes on to the return path.
        var again = await sim.OpenAsync(openId, "http://localhost/wx/oauth/start?returnUrl=%2Faccount");
        Assert.Equal("http://localhost/account", again.GetProperty("finalUrl").GetString());
        Assert.Contains("授权用户", again.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OAuthCallbackWithoutStateIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var openId = await SimClient.For(app).NewUserAsync();
        using var browser = BrowserClient.Create(app);
        var (authorize, _) = await StartAsync(browser);
        var callback = await AuthorizeAsync(app, authorize, openId);
        var code = QueryHelpers.ParseQuery(new Uri(callback).Query)["code"].ToString();

        // No state at all, and a state but no cookie (another browser that never started).
        await AssertRefusedAsync(await browser.GetAsync($"/wx/oauth/callback?code={code}"), HttpStatusCode.BadRequest, "oauth-state-missing");
        using var stranger = BrowserClient.Create(app);
        await AssertRefusedAsync(await stranger.GetAsync(callback), HttpStatusCode.BadRequest, "oauth-state-missing");

        await AssertRefusedAsync(await stranger.GetAsync("/wx/login"), HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OAuthCallbackWithAnotherBrowsersStateIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var victim = await SimClient.For(app).NewUserAsync();
        // The attacker starts a login and has the victim's WeChat complete it (login CSRF).
        using var attacker = BrowserClient.Create(app);
        var (authorize, _) = await StartAsync(attacker);
        var victimCallback = await AuthorizeAsync(app, authorize, victim);
        using var victimBrowser = BrowserClient.Create(app);
        await StartAsync(victimBrowser);

        await AssertRefusedAsync(await victimBrowser.GetAsync(victimCallback), HttpStatusCode.Forbidden, "oauth-state-mismatch");

        await AssertRefusedAsync(await victimBrowser.GetAsync("/wx/login"), HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, victim));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ReusedOAuthCodeGetsTheCodeUsedPage(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var openId = await SimClient.For(app).NewUserAsync();
        using var browser = BrowserClient.Create(app);
        var (authorize, _) = await StartAsync(browser);
        var callback = await AuthorizeAsync(app, authorize, openId);
        var first = await browser.GetAsync(callback);
        Assert.Equal("/wx/login", first.Headers.Location?.OriginalString);

        // The same code again, even with a fresh, valid state for this browser.
        using var replay = BrowserClient.Create(app);
        var (_, state) = await StartAsync(replay);
        var code = QueryHelpers.ParseQuery(new Uri(callback).Query)["code"].ToString();

        await AssertRefusedAsync(await replay.GetAsync($"/wx/oauth/callback?code={code}&state={state}"), HttpStatusCode.BadRequest, "oauth-code-used");
        await AssertRefusedAsync(await replay.GetAsync("/wx/login"), HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OAuthReturnUrlOutsideTheSiteIsDropped(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await RegisterInWechatAsync(sim, openId, await BindLinkAsync(sim, openId), NewEmail());
        using var browser = BrowserClient.Create(app);
        var (authorize, _) = await StartAsync(browser, "https://evil.example/phish");
        var callback = await AuthorizeAsync(app, authorize, openId);
        Assert.Equal("/wx/login", (await browser.GetAsync(callback)).Headers.Location?.OriginalString);

        var login = await browser.GetAsync("/wx/login");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/account", login.Headers.Location?.OriginalString);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OAuthStateFitsWechatsLimit(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);

        var (_, state) = await StartAsync(browser);

        Assert.Matches("^[A-Za-z0-9]{16,128}$", state);
        var (_, another) = await StartAsync(browser);
        Assert.NotEqual(state, another);
    }
}
