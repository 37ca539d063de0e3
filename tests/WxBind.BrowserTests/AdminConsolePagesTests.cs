using Microsoft.Playwright;
using WxBind.CommandLine;

namespace WxBind.BrowserTests;

/// <summary>The administrator's console as an administrator uses it: dashboard, search by openid, unbind.</summary>
public sealed class AdminConsolePagesTests
{
    [BrowserFact]
    public async Task AdministratorSeesChartsFindsUserByOpenIdPrefixAndUnbindsThem()
    {
        await using var session = await ChromiumSession.StartAsync();
        // A user binds their WeChat on the phone.
        var site = await session.NewPageAsync();
        var userEmail = await ChromiumSession.RegisterAsync(site, "王五");
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
        var openId = (await phone.TextContentAsync("#current-openid"))!;

        // An administrator, granted on the command line.
        var admin = await session.NewPageAsync();
        var adminEmail = await ChromiumSession.RegisterAsync(admin, "管理员");
        Assert.Equal(0, await CommandLineExtensions.RunAsync(session.App.Services, ["admin", "grant", adminEmail], TextWriter.Null, TextWriter.Null));

        await admin.GotoAsync("/admin");
        await Assertions.Expect(admin.Locator("[data-testid=chart-binds] rect.binds")).ToHaveCountAsync(30);
        Assert.True(await admin.Locator("[data-testid=chart-binds]").IsVisibleAsync());
        Assert.True(await admin.Locator("[data-testid=chart-funnel-bind]").IsVisibleAsync());
        var box = await admin.Locator("[data-testid=chart-binds]").BoundingBoxAsync();
        Assert.True(box is { Width: > 300, Height: > 80 }, "the chart is drawn at a readable size");

        await admin.ClickAsync("[data-testid=admin-nav] >> text=用户与绑定");
        await admin.FillAsync("[data-testid=user-search-input]", openId[..10]);
        await admin.ClickAsync("[data-testid=user-search] button");
        await Assertions.Expect(admin.Locator("[data-testid=user-row]")).ToHaveCountAsync(1);
        await admin.ClickAsync("[data-testid=user-link]");
        await Expect(admin.Locator("[data-testid=user-email]"), userEmail);

        await admin.FillAsync("[data-testid=unbind-reason]", "用户要求解绑");
        await admin.ClickAsync("[data-testid=unbind]");
        await Expect(admin.Locator("[data-testid=unbind-confirm]"), "确定要解除");
        await admin.ClickAsync("[data-testid=unbind-confirm-button]");
        await Expect(admin.Locator("[data-testid=notice]"), "已解除绑定");
        await admin.WaitForSelectorAsync("[data-testid=not-bound]");
        await Expect(phone.Locator("#chat .msg.in").Last, "管理员解除");

        await ScreenshotsAsync(session, adminEmail);
    }

    /// <summary>Every console page at a desktop and a phone width, in Chinese and English.</summary>
    private static async Task ScreenshotsAsync(ChromiumSession session, string adminEmail)
    {
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var page = await session.NewPageAsync(language);
            await page.GotoAsync("/account/login");
            await page.FillAsync("#Input_Email", adminEmail);
            await page.FillAsync("#Input_Password", "secret-pass-1");
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync("**/account");
            var userPage = await page.GetAttributeAsync("[data-testid=nav-admin]", "href");
            Assert.Equal("/admin", userPage);
            await page.GotoAsync("/admin/users");
            var firstUser = await page.Locator("[data-testid=user-link]").Last.GetAttributeAsync("href");
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, 900);
                foreach (var (path, name) in new[] { ("/admin", "dashboard"), ("/admin/users", "users"), (firstUser!, "user"), ("/admin/ledger", "ledger"), ("/admin/audit", "audit") })
                {
                    await page.GotoAsync(path);
                    await ChromiumSession.ScreenshotAsync(page, $"admin-{name}-{language}-{width}");
                }
            }
        }
    }


    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
