using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>F1 as a person does it: the website in one tab, the simulated WeChat phone in another.</summary>
public sealed class QrBindingPagesTests
{
    [BrowserFact]
    public async Task ScanOnThePhoneBindsAndTheAccountPageUpdatesByItself()
    {
        await using var session = await ChromiumSession.StartAsync();
        var site = await session.NewPageAsync();
        await ChromiumSession.RegisterAsync(site, "扫码用户");
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");

        // 1. A new follower scans: subscribe with qrscene_.
        await ChromiumSession.NewPhoneUserAsync(phone);
        await ShowQrAndScanAsync(site, phone);
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
        await site.WaitForSelectorAsync("[data-testid=binding]");
        await Expect(site.Locator("[data-testid=binding-follow]"), "已关注");
        await ChromiumSession.ScreenshotAsync(phone, "phone-bound");
        await ChromiumSession.ScreenshotAsync(site, "account-bound");
        var openId = await phone.TextContentAsync("#current-openid");
        Assert.Equal($"{openId![..4]}****{openId[^4..]}", await site.TextContentAsync("[data-testid=binding-openid]"));

        // 2. Unbind on the website; the phone is told.
        await site.ClickAsync("[data-testid=unbind]");
        await site.ClickAsync("[data-testid=unbind-confirm-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Expect(phone.Locator("#chat .msg.in").Last, "解除");

        // 3. The same user, now a follower, scans again: SCAN.
        await Expect(phone.Locator("#follow-state"), "已关注");
        await ShowQrAndScanAsync(site, phone);
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
        await site.WaitForSelectorAsync("[data-testid=binding]");
    }


    private static async Task ShowQrAndScanAsync(IPage site, IPage phone)
    {
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await Expect(site.Locator("[data-testid=qr-status]"), "扫");
        await ChromiumSession.ScreenshotAsync(site, "account-qr");
        // The phone lists the codes on offer, newest first: the one the site just showed.
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
