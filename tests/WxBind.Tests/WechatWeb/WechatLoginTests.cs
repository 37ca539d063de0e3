using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.WechatWeb;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.WechatWeb;

/// <summary>F3 end to end: a follower without an account gets a signed link, opens it in WeChat, and is bound.</summary>
public sealed class WechatLoginTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task BindTextFromUnboundFollowerRepliesWithAVerifiableLink(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var link = await BindLinkAsync(sim, openId);

        Assert.StartsWith("http://localhost/wx/login?", link, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(link).Query);
        Assert.Equal(openId, query["openid"].ToString());
        Assert.Matches("^[0-9a-f]{64}$", query["sig"].ToString());
        var check = await app.Services.GetRequiredService<SignedLinks>().VerifyAsync(new Microsoft.AspNetCore.Http.QueryCollection(query), default);
        Assert.Equal(LinkStatus.Valid, check.Status);
        Assert.Equal(openId, check.OpenId);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FollowWithoutSceneWelcomesWithALink(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();

        var reply = SimClient.ReplyText(await sim.FollowAsync(openId));

        Assert.StartsWith("欢迎关注", reply, StringComparison.Ordinal);
        Assert.Contains($"openid={openId}", LinkIn(reply), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BindMenuClickRepliesWithALink(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var reply = SimClient.ReplyText(await sim.ClickAsync(openId, "BIND"));

        Assert.Contains($"openid={openId}", LinkIn(reply), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RegisteringThroughTheLinkBindsAndSaysSoInWechat(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);
        var link = await BindLinkAsync(sim, openId);

        var landing = await sim.OpenAsync(openId, link);
        Assert.Equal(200, landing.GetProperty("status").GetInt32());
        Assert.Equal("http://localhost/wx/login", landing.GetProperty("finalUrl").GetString());
        Assert.Contains("data-testid=\"wx-login-form\"", landing.GetProperty("body").GetString(), StringComparison.Ordinal);
        var email = NewEmail();
        var done = await SubmitInWechatAsync(sim, openId, "http://localhost/wx/register", RegisterForm(email, "王小明"));

        Assert.Equal(200, done.GetProperty("status").GetInt32());
        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        var userId = await UserIdAsync(app, email);
        Assert.Equal(userId, await BoundUserIdAsync(app, openId));
        Assert.Equal(1, await ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM binding_ledger WHERE user_id = @userId AND action = 'bound' AND detail = 'wechat-link'", new { userId }));
        var told = await sim.ReceivedTextsAsync(openId);
        Assert.Contains(told, t => t.StartsWith("绑定成功", StringComparison.Ordinal) && t.Contains("王小明", StringComparison.Ordinal));
        // The WeChat browser is now signed in to the site.
        var account = await sim.OpenAsync(openId, "http://localhost/account");
        Assert.Equal("http://localhost/account", account.GetProperty("finalUrl").GetString());
        Assert.Contains("王小明", account.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LoggingInThroughTheLinkBindsAnExistingAccount(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var website = BrowserClient.Create(app);
        var email = NewEmail();
        Assert.Equal(HttpStatusCode.Redirect, (await website.RegisterAsync(email, displayName: "老用户")).StatusCode);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var done = await LoginInWechatAsync(sim, openId, await BindLinkAsync(sim, openId), email);

        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(await UserIdAsync(app, email), await BoundUserIdAsync(app, openId));
        Assert.Contains(await sim.ReceivedTextsAsync(openId), t => t.StartsWith("绑定成功", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WrongPasswordOnTheLoginFormBindsNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var website = BrowserClient.Create(app);
        var email = NewEmail();
        await website.RegisterAsync(email);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();

        var page = await LoginInWechatAsync(sim, openId, await BindLinkAsync(sim, openId), email, "wrong-pass-1");

        Assert.Contains("邮箱或密码不正确", page.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LinkForABoundOpenIdSimplyLogsIn(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await RegisterInWechatAsync(sim, openId, await BindLinkAsync(sim, openId), NewEmail(), "已绑定用户");
        // A bound user asking again is told so, not sent a link.
        Assert.Contains("已绑定网站账号", SimClient.ReplyText(await sim.TextAsync(openId, "绑定")), StringComparison.Ordinal);
        // A feature that needed an account sent a link with a return path before the user bound.
        var link = await app.Services.GetRequiredService<SignedLinks>().CreateAsync(openId, "/account?from=wechat", default);
        using var browser = WechatBrowser(app);

        var opened = await OpenAsWechatUserAsync(app, browser, link, openId);
        Assert.Equal("/wx/login", opened.Headers.Location?.OriginalString);
        var login = await browser.GetAsync("/wx/login");

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/account?from=wechat", login.Headers.Location?.OriginalString);
        Assert.Contains("已绑定用户", await browser.GetStringAsync("/account"), StringComparison.Ordinal);
        Assert.Equal(1, await BindingsOfOpenIdAsync(app, openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AccountBoundToAnotherWechatIsNotRebound(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var first = await sim.NewUserAsync();
        var email = NewEmail();
        await RegisterInWechatAsync(sim, first, await BindLinkAsync(sim, first), email);
        var second = await sim.NewUserAsync();

        var page = await LoginInWechatAsync(sim, second, await BindLinkAsync(sim, second), email);

        Assert.Equal(409, page.GetProperty("status").GetInt32());
        AssertRefusalPage(page.GetProperty("body").GetString()!, "account-taken");
        Assert.Equal(await UserIdAsync(app, email), await BoundUserIdAsync(app, first));
        Assert.Equal(0, await BindingsOfOpenIdAsync(app, second));
    }
}
