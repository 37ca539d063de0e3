using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>F2 as a person does it: the login page on the desktop, the simulated WeChat phone beside it.</summary>
public sealed class QrLoginPagesTests
{
    [BrowserFact]
    public async Task BoundUserScansConfirmsOnThePhoneAndTheDesktopLogsInByItself()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        var email = await BindPhoneUserAsync(session, phone);

        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");
        await ScanNewestAsync(desktop, phone);
        await Expect(desktop.Locator("[data-testid=qr-status]"), "确认");
        // The account's message carries the confirm link; it opens in the in-WeChat browser.
        await phone.Locator("#chat .msg.in a").Last.ClickAsync();
        var wechatBrowser = phone.FrameLocator("#browser iframe");
        await Expect(wechatBrowser.Locator("[data-testid=confirm-browser]"), "·");
        await wechatBrowser.Locator("[data-testid=confirm-login-submit]").ClickAsync();
        await Expect(wechatBrowser.Locator("[data-testid=confirm-outcome]"), "已确认");

        await desktop.WaitForURLAsync("**/account");
        Assert.Equal(email, await desktop.TextContentAsync("[data-testid=profile-email]"));
        await ChromiumSession.ScreenshotAsync(phone, "phone-confirm-login");
    }

    [BrowserFact]
    public async Task UnboundUserScansAndCompletesRegistrationAndBinding()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");

        await ScanNewestAsync(desktop, phone);

        // Nothing is bound before the scanner agrees on the phone.
        await Expect(desktop.Locator("[data-testid=qr-status]"), "同意绑定");
        await Expect(phone.Locator("#chat .msg.in").Last, "尚未绑定");
        await phone.Locator("#chat .msg.in a").Last.ClickAsync();
        var wechatBrowser = phone.FrameLocator("#browser iframe");
        await Expect(wechatBrowser.Locator("[data-testid=confirm-browser]"), "·");
        await wechatBrowser.Locator("[data-testid=agree-bind-submit]").ClickAsync();
        await Expect(wechatBrowser.Locator("[data-testid=agree-outcome]"), "已同意");

        await desktop.WaitForURLAsync("**/account/bind-complete**");
        var email = $"u{Guid.NewGuid():N}@example.com";
        await desktop.FillAsync("#RegisterForm_Email", email);
        await desktop.FillAsync("#RegisterForm_DisplayName", "扫码注册");
        await desktop.FillAsync("#RegisterForm_Password", "secret-pass-1");
        await desktop.ClickAsync("[data-testid=bind-complete-register-submit]");
        await desktop.WaitForURLAsync("**/account");
        await desktop.WaitForSelectorAsync("[data-testid=binding]");
        Assert.Equal(email, await desktop.TextContentAsync("[data-testid=profile-email]"));
        await phone.ClickAsync("#browser-close");
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
    }

    [BrowserFact]
    public async Task DecliningOnThePhoneLeavesTheDesktopLoggedOutWithAMessage()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");

        await ScanNewestAsync(desktop, phone);
        await phone.Locator("#chat .msg.in a").Last.ClickAsync();
        await phone.FrameLocator("#browser iframe").Locator("[data-testid=agree-bind-cancel]").ClickAsync();

        await Expect(desktop.Locator("[data-testid=qr-status]"), "已在手机上拒绝绑定");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-retry]")).ToBeVisibleAsync();
        Assert.Contains("/account/login", desktop.Url, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task WhenNoCodeCanBeMadeThePanelSaysSoAndOffersARetry()
    {
        await using var session = await ChromiumSession.StartAsync();
        var desktop = await session.NewPageAsync();
        // WeChat unreachable: the server answers the QR request with a problem.
        await desktop.RouteAsync("**/api/qr-sessions", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new RouteFulfillOptions { Status = 503, ContentType = "application/problem+json", Body = "{\"status\":503}" })
            : route.ContinueAsync());
        await desktop.GotoAsync("/account/login");

        await Expect(desktop.Locator("[data-testid=qr-status]"), "无法获取二维码");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-retry]")).ToBeVisibleAsync();
        Assert.True(await desktop.Locator("[data-testid=qr-image]").IsHiddenAsync());

        await desktop.UnrouteAsync("**/api/qr-sessions");
        await desktop.ClickAsync("[data-testid=qr-retry]");
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await Expect(desktop.Locator("[data-testid=qr-status]"), "请用微信扫一扫");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-retry]")).ToBeHiddenAsync();
    }

    [BrowserFact]
    public async Task CancelOnThePhoneLeavesTheDesktopLoggedOutWithAMessage()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        await BindPhoneUserAsync(session, phone);
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");

        await ScanNewestAsync(desktop, phone);
        await phone.Locator("#chat .msg.in a").Last.ClickAsync();
        var wechatBrowser = phone.FrameLocator("#browser iframe");
        await wechatBrowser.Locator("[data-testid=confirm-login-cancel]").ClickAsync();

        await Expect(desktop.Locator("[data-testid=qr-status]"), "已在手机上取消登录");
        await desktop.GotoAsync("/account");
        Assert.Contains("/account/login", desktop.Url, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task ExpiredCodeLeavesTheDesktopLoggedOutWithAMessage()
    {
        // A page that does not renew its code; the code's end is moved to now instead of waiting.
        await using var session = await ChromiumSession.StartAsync(settings: new Dictionary<string, string?>
        {
            ["WxBind:QrSessions:MaxAutoRefreshes"] = "0",
        });
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        var database = session.App.Services.GetRequiredService<WxBind.Storage.Database>();
        await using (var connection = await database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE qr_sessions SET expires_at = @now WHERE purpose = 'login'",
                new { now = DateTimeOffset.UtcNow });
        }

        await Expect(desktop.Locator("[data-testid=qr-status]"), "二维码已过期");
        Assert.True(await desktop.Locator("[data-testid=qr-image]").IsHiddenAsync());
        await Assertions.Expect(desktop.Locator("[data-testid=qr-retry]")).ToBeVisibleAsync();
        await desktop.GotoAsync("/account");
        Assert.Contains("/account/login", desktop.Url, StringComparison.Ordinal);
    }

    /// <summary>Registers a website account in its own browser and binds the phone's user to it.</summary>
    private static async Task<string> BindPhoneUserAsync(ChromiumSession session, IPage phone)
    {
        var site = await session.NewPageAsync();
        var email = $"c{Guid.NewGuid():N}@example.com";
        await site.GotoAsync("/account/register");
        await site.FillAsync("#Input_Email", email);
        await site.FillAsync("#Input_DisplayName", "确认用户");
        await site.FillAsync("#Input_Password", "secret-pass-1");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForURLAsync("**/account");
        await site.ClickAsync("[data-testid=bind-start]");
        await ScanNewestAsync(site, phone);
        await site.WaitForSelectorAsync("[data-testid=binding]");
        await site.Context.CloseAsync();
        return email;
    }

    private static async Task ScanNewestAsync(IPage desktop, IPage phone)
    {
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
