using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.WechatWeb;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.WechatWeb;

/// <summary>
/// Every way a signed link can be misused ends on a clear page, leaves the browser without a
/// WeChat identity, and binds nothing.
/// </summary>
public sealed class SignedLinkSecurityTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static string WithParameter(string link, string name, string value)
    {
        var uri = new Uri(link);
        var query = QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        query[name] = value;
        return QueryHelpers.AddQueryString(uri.GetLeftPart(UriPartial.Path), query);
    }

    /// <summary>The refused browser holds no identity: the forms cannot be used afterwards.</summary>
    private static async Task AssertNoIdentityAsync(BrowserClient browser)
    {
        await AssertRefusedAsync(await browser.GetAsync("/wx/login"), HttpStatusCode.BadRequest, "identity-missing");
        await AssertRefusedAsync(await browser.GetAsync("/wx/register"), HttpStatusCode.BadRequest, "identity-missing");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SignedLinkWithSwappedOpenidIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var userA = await sim.NewUserAsync();
        var userB = await sim.NewUserAsync();
        var linkOfA = await BindLinkAsync(sim, userA);
        using var browser = BrowserClient.Create(app);

        await AssertRefusedAsync(await browser.GetAsync(WithParameter(linkOfA, "openid", userB)), HttpStatusCode.Forbidden, "link-invalid");

        await AssertNoIdentityAsync(browser);
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, userA));
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, userB));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SignedLinkWithAlteredSignatureIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, openId);
        var sig = QueryHelpers.ParseQuery(new Uri(link).Query)["sig"].ToString();
        var altered = (sig[0] == '0' ? '1' : '0') + sig[1..];
        using var browser = BrowserClient.Create(app);

        await AssertRefusedAsync(await browser.GetAsync(WithParameter(link, "sig", altered)), HttpStatusCode.Forbidden, "link-invalid");
        await AssertRefusedAsync(await browser.GetAsync(WithParameter(link, "sig", sig.ToUpperInvariant())), HttpStatusCode.Forbidden, "link-invalid");

        await AssertNoIdentityAsync(browser);
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ExpiredSignedLinkIsRefused(StorageProvider provider)
    {
        // A clock of its own: moving it must not age the links of other tests.
        await using var app = await WxBindFactory.CreateAsync(provider, AppFixture.SharedSettings);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, openId);
        app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var browser = BrowserClient.Create(app);

        await AssertRefusedAsync(await browser.GetAsync(link), HttpStatusCode.Forbidden, "link-expired");

        await AssertNoIdentityAsync(browser);
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ReusedSignedLinkIsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, openId);
        var owner = await sim.OpenAsync(openId, link);
        Assert.Equal("http://localhost/wx/login", owner.GetProperty("finalUrl").GetString());
        // The link forwarded to (or sniffed by) someone else, after its owner opened it.
        using var second = BrowserClient.Create(app);

        await AssertRefusedAsync(await second.GetAsync(link), HttpStatusCode.Forbidden, "link-reused");

        await AssertNoIdentityAsync(second);
        var taken = await second.SubmitFormAsync("/account/register", RegisterForm(NewEmail()), postUrl: "/wx/register");
        await AssertRefusedAsync(taken, HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkForABoundOpenIdCannotBindASecondAccount(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var ownerLink = await BindLinkAsync(sim, openId);
        var otherLink = await BindLinkAsync(sim, openId);
        // The owner opens a second link in another WeChat browser while the openid is still unbound...
        using var other = WechatBrowser(app);
        Assert.Equal("/wx/login", (await OpenAsWechatUserAsync(app, other, otherLink, openId)).Headers.Location?.OriginalString);
        Assert.Contains("wx-login-form", await other.GetStringAsync("/wx/login"), StringComparison.Ordinal);
        // ...then the owner binds it...
        var ownerEmail = NewEmail();
        await RegisterInWechatAsync(sim, openId, ownerLink, ownerEmail);
        var intruderEmail = NewEmail();
        using var website = BrowserClient.Create(app);
        await website.RegisterAsync(intruderEmail);

        // ...and the second browser tries to bind another account, by registering or logging in.
        var strayEmail = NewEmail();
        var form = new Dictionary<string, string>(RegisterForm(strayEmail)) { ["__RequestVerificationToken"] = await TokenAsync(other) };
        await AssertRefusedAsync(await other.Http.PostAsync("/wx/register", new FormUrlEncodedContent(form)), HttpStatusCode.Conflict, "openid-taken");
        form = new Dictionary<string, string>(LoginForm(intruderEmail)) { ["__RequestVerificationToken"] = await TokenAsync(other) };
        await AssertRefusedAsync(await other.Http.PostAsync("/wx/login", new FormUrlEncodedContent(form)), HttpStatusCode.Conflict, "openid-taken");

        Assert.Equal(await UserIdAsync(app, ownerEmail), await BoundUserIdAsync(app, openId));
        Assert.Equal(1, await BindingsOfOpenIdAsync(app, openId));
        Assert.Null(await UserIdAsync(app, strayEmail));
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = await UserIdAsync(app, intruderEmail) }));
    }

    private static async Task<string> TokenAsync(BrowserClient browser) =>
        BrowserClient.AntiforgeryToken(await browser.GetStringAsync("/account/register"));

    [Theory, MemberData(nameof(Providers))]
    public async Task ReturnPathOutsideTheSiteIsNeverFollowed(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var links = app.Services.GetRequiredService<SignedLinks>();
        using var browser = BrowserClient.Create(app);

        // The server refuses to sign a foreign return path at all...
        await Assert.ThrowsAsync<ArgumentException>(() => links.CreateAsync(openId, "https://evil.example/", default));
        await Assert.ThrowsAsync<ArgumentException>(() => links.CreateAsync(openId, "//evil.example/", default));
        // ...a return path swapped into a real link breaks its signature...
        var link = await links.CreateAsync(openId, "/account", default);
        await AssertRefusedAsync(await browser.GetAsync(WithParameter(link, "return", "https://evil.example/")), HttpStatusCode.Forbidden, "link-invalid");
        // ...and even a correctly signed one (a leaked key) is refused.
        var key = await links.KeyAsync(default);
        var ts = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string Nonce = "forged-nonce-0001";
        var forged = QueryHelpers.AddQueryString("http://localhost/wx/login", new Dictionary<string, string?>
        {
            ["openid"] = openId, ["ts"] = ts, ["nonce"] = Nonce, ["return"] = "//evil.example/",
            ["sig"] = SignedLinks.Sign(key, openId, ts, Nonce, "//evil.example/"),
        });
        var response = await browser.GetAsync(forged);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "link-bad-return");
        Assert.Null(response.Headers.Location);
        await AssertNoIdentityAsync(browser);
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RefusalsAreInEnglishWhenAsked(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        browser.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var response = await browser.GetAsync("/wx/login");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Your WeChat identity is missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InWechatLoginSharesTheSitesLoginRateLimit()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["WxBind:Accounts:LoginPermitsPerMinute"] = "2",
        });
        using var browser = BrowserClient.Create(app);

        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync("nobody@example.com", "wrong-pass-1")).StatusCode);
        var form = new Dictionary<string, string>(LoginForm("nobody@example.com")) { ["__RequestVerificationToken"] = await TokenAsync(browser) };
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.PostAsync("/wx/login", new FormUrlEncodedContent(form))).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.Http.PostAsync("/wx/login", new FormUrlEncodedContent(form))).StatusCode);
    }
}
