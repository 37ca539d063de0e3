using System.Net;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Accounts.AccountTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>Logging out ends the session on the server: a kept copy of the cookie stops working.</summary>
public sealed class SessionEndTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task CopiedCookieStopsWorkingAfterLogout(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (browser, jar) = BrowserWithJar(app);
        await browser.RegisterAsync(NewEmail());
        using var copy = CopyOfLogin(app, jar);
        Assert.True(await IsLoggedInAsync(copy));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitFormAsync("/account/logout", new Dictionary<string, string>())).StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(1)); // the next request comes later than the cookie was issued

        Assert.False(await IsLoggedInAsync(copy));
        Assert.False(await IsLoggedInAsync(browser));
        browser.Dispose();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LogOutOnAllOtherDevicesEndsTheirCookiesAndKeepsThisOne(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        var (desktop, jar) = BrowserWithJar(app);
        await desktop.RegisterAsync(email);
        using var phone = BrowserClient.Create(app);
        await phone.LoginAsync(email);
        using var stolen = CopyOfLogin(app, jar);
        var stampBefore = await UserColumnAsync<string>(app, email, "security_stamp");

        var response = await desktop.SubmitFormAsync("/account", new Dictionary<string, string>(), "/account?handler=SignOutEverywhere");
        app.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.NotEqual(stampBefore, await UserColumnAsync<string>(app, email, "security_stamp"));
        Assert.False(await IsLoggedInAsync(phone));
        Assert.False(await IsLoggedInAsync(stolen));
        Assert.Contains("已退出其他所有设备上的登录", await desktop.GetStringAsync("/account?notice=signedOutElsewhere"), StringComparison.Ordinal);
        desktop.Dispose();
    }
}
