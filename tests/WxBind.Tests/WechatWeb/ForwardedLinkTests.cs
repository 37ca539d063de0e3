using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WxBind.QrSessions;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.WechatWeb;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.WechatWeb;

/// <summary>
/// A genuine signed link forwarded to someone else (DESIGN §1 F3.3): it proves nothing about who
/// opens it, so only the WeChat user it was sent to gets anywhere with it; everyone else binds
/// nothing, spends nothing, and is told why.
/// </summary>
public sealed class ForwardedLinkTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkOpenedInAPlainBrowserAsksForWechatWithTheLinkAsAQrCode(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var owner = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, owner);
        var before = await StoredCountsAsync(app);
        using var desktop = BrowserClient.Create(app);

        var opened = await desktop.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var page = await opened.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"wx-open-in-wechat\"", page, StringComparison.Ordinal);
        Assert.Contains("请在微信中打开", page, StringComparison.Ordinal);
        var qr = System.Text.RegularExpressions.Regex.Match(page, "src=\"(data:[^\"]+)\"[^>]*data-testid=\"wx-open-qr\"");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(QrCodeImage.Png(link)), WebUtility.HtmlDecode(qr.Groups[1].Value));
        Assert.DoesNotContain("wx-login-form", page, StringComparison.Ordinal);
        // No identity came with it: the forms refuse, and nothing at all was stored.
        await AssertRefusedAsync(await desktop.GetAsync("/wx/login"), HttpStatusCode.BadRequest, "identity-missing");
        var registered = await desktop.SubmitFormAsync("/account/register", RegisterForm(NewEmail()), postUrl: "/wx/register");
        await AssertRefusedAsync(registered, HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(before, await StoredCountsAsync(app));

        // The link is still whole for its owner, who opens it in WeChat and registers.
        var email = NewEmail();
        var done = await RegisterInWechatAsync(sim, owner, link, email);
        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(await UserIdAsync(app, email), await BoundUserIdAsync(app, owner));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkOpenedInWechatByAnotherUserIsRefusedAndStaysUsableForItsOwner(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var owner = await sim.NewUserAsync();
        var other = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, owner);
        var before = await StoredCountsAsync(app);

        // Forwarded in WeChat and tapped by the other user: WeChat's authorize page answers as them.
        var refused = await sim.OpenAsync(other, link);

        Assert.Equal(403, refused.GetProperty("status").GetInt32());
        Assert.StartsWith("http://localhost/wx/oauth/callback", refused.GetProperty("finalUrl").GetString(), StringComparison.Ordinal);
        var body = refused.GetProperty("body").GetString()!;
        AssertRefusalPage(body, "link-not-yours");
        Assert.Contains("这个链接不是发给你的", body, StringComparison.Ordinal);
        Assert.Contains("发送“绑定”", body, StringComparison.Ordinal);
        // The other user holds no identity from it, neither their own nor the owner's.
        var form = await sim.OpenAsync(other, "http://localhost/wx/register");
        Assert.Equal(400, form.GetProperty("status").GetInt32());
        AssertRefusalPage(form.GetProperty("body").GetString()!, "identity-missing");
        Assert.Equal(before, await StoredCountsAsync(app));

        // The owner's link was not spent by the refusal: logging in with an existing account works.
        using var website = BrowserClient.Create(app);
        var email = NewEmail();
        await website.RegisterAsync(email);
        var done = await LoginInWechatAsync(sim, owner, link, email);
        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(await UserIdAsync(app, email), await BoundUserIdAsync(app, owner));
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, other));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ForwardedLinkCannotBindTheReceiversAccountToTheSendersWechat(StorageProvider provider)
    {
        // The takeover: the receiver logs in with their own password on the sender's link.
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var sender = await sim.NewUserAsync();
        var receiver = await sim.NewUserAsync();
        using var website = BrowserClient.Create(app);
        var receiverEmail = NewEmail();
        await website.RegisterAsync(receiverEmail);
        var link = await BindLinkAsync(sim, sender);
        var before = await StoredCountsAsync(app);
        // A browser claiming to be WeChat's, which the receiver's WeChat then authorizes.
        using var browser = WechatBrowser(app);

        await AssertRefusedAsync(await OpenAsWechatUserAsync(app, browser, link, receiver), HttpStatusCode.Forbidden, "link-not-yours");
        var login = await browser.SubmitFormAsync("/account/login", LoginForm(receiverEmail), postUrl: "/wx/login");

        await AssertRefusedAsync(login, HttpStatusCode.BadRequest, "identity-missing");
        Assert.Equal(before, await StoredCountsAsync(app));
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, sender));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkOfABoundUserSignsInOnlyItsOwner(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var owner = await sim.NewUserAsync();
        await RegisterInWechatAsync(sim, owner, await BindLinkAsync(sim, owner), NewEmail(), "链接主人");
        var other = await sim.NewUserAsync();
        // Orders and events send bound users links with a return path too.
        var link = await app.Services.GetRequiredService<SignedLinks>().CreateAsync(owner, "/account", default);

        var refused = await sim.OpenAsync(other, link);

        AssertRefusalPage(refused.GetProperty("body").GetString()!, "link-not-yours");
        var account = await sim.OpenAsync(other, "http://localhost/account");
        Assert.StartsWith("http://localhost/account/login", account.GetProperty("finalUrl").GetString(), StringComparison.Ordinal);

        var welcomed = await sim.OpenAsync(owner, link);
        Assert.Equal("http://localhost/account", welcomed.GetProperty("finalUrl").GetString());
        Assert.Contains("链接主人", welcomed.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task OpeningTheLinkInWechatSpendsItOnlyOnceTheOwnerIsProven(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var owner = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, owner);
        var spent = (await StoredCountsAsync(app)).Nonces;
        using var browser = WechatBrowser(app);

        // Arriving only sends the browser to WeChat's authorize page; the link is not spent yet.
        var arrived = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, arrived.StatusCode);
        Assert.Contains("/connect/oauth2/authorize", arrived.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("scope=snsapi_base", arrived.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(spent, (await StoredCountsAsync(app)).Nonces);

        var proven = await sim.OpenAsync(owner, link);
        Assert.Equal("http://localhost/wx/login", proven.GetProperty("finalUrl").GetString());
        using var late = WechatBrowser(app);
        await AssertRefusedAsync(await late.GetAsync(link), HttpStatusCode.Forbidden, "link-reused");
    }
}
