using Microsoft.Playwright;
using WxBind.CommandLine;

namespace WxBind.BrowserTests;

/// <summary>F4 as people do it: a bound follower orders from the menu inside WeChat, finds the order on the website, and is told when it ships.</summary>
public sealed class OrderPagesTests
{
    [BrowserFact]
    public async Task BoundFollowerTapsMyOrdersPlacesAnOrderAndSeesItOnTheDesktop()
    {
        await using var session = await ChromiumSession.StartAsync();

        // The website account, bound by scanning its QR code with the phone (the phone's browser holds no site cookie).
        var desktop = await session.NewPageAsync();
        var email = await ChromiumSession.RegisterAsync(desktop, "下单用户");
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        await desktop.ClickAsync("[data-testid=bind-start]");
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");

        // 我的订单 in the custom menu (published at start-up) answers as the bound account.
        await phone.Locator("#menu .menu-btn[data-key=MY_ORDERS]").ClickAsync();
        await Expect(phone.Locator("#chat .msg.in").Last, "你还没有订单");
        await phone.Locator("#chat .msg.in").Last.Locator("a.link").ClickAsync();

        // The in-WeChat page proves the openid by OAuth and offers the shop.
        var wechat = phone.FrameLocator("#browser iframe");
        await wechat.Locator("[data-testid=order-form]").WaitForAsync();
        await Assertions.Expect(phone.Locator("#browser-url")).ToContainTextAsync("/wx/orders");
        await Expect(wechat.Locator("[data-testid=orders-empty]"), "还没有订单");
        await ChromiumSession.ScreenshotAsync(phone, "order-wx-empty-zh");

        // Ordering nothing is answered on the page, with the form still there.
        await wechat.Locator("[data-testid=order-place]").ClickAsync();
        await Assertions.Expect(wechat.Locator("[data-testid=order-error]")).ToBeVisibleAsync();
        await ChromiumSession.ScreenshotAsync(phone, "order-wx-error-zh");

        await wechat.Locator("[data-testid=qty-mug]").FillAsync("2");
        await wechat.Locator("[data-testid=qty-coffee]").FillAsync("1");
        await wechat.Locator("[data-testid=order-place]").ClickAsync();
        await Assertions.Expect(wechat.Locator("[data-testid=order-placed]")).ToBeVisibleAsync();
        var placed = wechat.Locator("[data-testid=order]").First;
        await Expect(placed.Locator("[data-testid=order-items]"), "1 × 咖啡豆 250g, 2 × 马克杯");
        await Expect(placed, "¥146.00");
        await Expect(placed.Locator("[data-testid=order-status]"), "待付款");
        var orderId = await placed.GetAttributeAsync("data-order-id");
        await ChromiumSession.ScreenshotAsync(phone, "order-wx-placed-zh");

        // The same order on the website, as the same account.
        await desktop.GotoAsync("/account/orders");
        var row = desktop.Locator($"[data-testid=order][data-order-id='{orderId}']");
        await Expect(row.Locator("[data-testid=order-items]"), "1 × 咖啡豆 250g, 2 × 马克杯");
        await Expect(row.Locator("[data-testid=order-status]"), "待付款");
        await ChromiumSession.ScreenshotAsync(desktop, "order-account-zh-1280");

        // The menu again: the chat now lists the order.
        await phone.ClickAsync("#browser-close");
        await phone.Locator("#menu .menu-btn[data-key=MY_ORDERS]").ClickAsync();
        await Expect(phone.Locator("#chat .msg.in").Last, $"#{orderId} 1 × 咖啡豆 250g, 2 × 马克杯 ¥146.00 待付款");

        // The same WeChat user on a phone that speaks English: the in-WeChat page follows its language.
        var openId = await phone.TextContentAsync("#current-openid");
        var english = await session.NewPhoneAsync("en");
        await english.Locator("#user-select").SelectOptionAsync(openId!);
        await english.Locator("#menu .menu-btn[data-key=MY_ORDERS]").ClickAsync();
        await Expect(english.Locator("#chat .msg.in").Last, $"#{orderId} ");
        await english.Locator("#chat .msg.in").Last.Locator("a.link").ClickAsync();
        var englishWechat = english.FrameLocator("#browser iframe");
        await Expect(englishWechat.Locator("h1"), "My orders");
        await Expect(englishWechat.Locator($"[data-testid=order][data-order-id='{orderId}'] [data-testid=order-status]"), "Pending");
        await ChromiumSession.ScreenshotAsync(english, "order-wx-placed-en");

        // The shop's administrator ships it: the follower is told in WeChat (a customer-service text without a template).
        Assert.Equal(0, await CommandLineExtensions.RunAsync(session.App.Services, ["admin", "grant", email], TextWriter.Null, TextWriter.Null));
        var admin = await session.NewPageAsync();
        await LoginAsync(admin, email);
        await admin.GotoAsync("/admin/orders");
        var adminRow = admin.Locator($"[data-testid=admin-order][data-order-id='{orderId}']");
        await adminRow.Locator("[data-testid=move-paid]").ClickAsync();
        await adminRow.Locator("[data-testid=move-shipped]").ClickAsync();
        await Expect(admin.Locator("[data-testid=admin-orders-message]"), "已发货");
        await Expect(adminRow.Locator("[data-testid=admin-order-notice]"), "已发送");
        await Expect(phone.Locator("#chat .msg.in").Last, $"你的订单 #{orderId}");
        await Expect(phone.Locator("#chat .msg.in").Last, "已发货");
        await ChromiumSession.ScreenshotAsync(phone, "order-phone-shipped-zh");

        await ScreenshotsAsync(session, email);
    }

    /// <summary>The order pages in English and Chinese, at a desktop and a phone width.</summary>
    private static async Task ScreenshotsAsync(ChromiumSession session, string email)
    {
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var page = await session.NewPageAsync(language);
            await LoginAsync(page, email);
            var tag = language == "en" ? "en" : "zh";
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, width == 390 ? 844 : 900);
                await page.GotoAsync("/account/orders");
                await ChromiumSession.ScreenshotAsync(page, $"order-account-{tag}-{width}");
                // A bad order shows why, above the form it came from.
                await page.Locator("[data-testid=order-place]").ClickAsync();
                await Assertions.Expect(page.Locator("[data-testid=order-error]")).ToBeVisibleAsync();
                await ChromiumSession.ScreenshotAsync(page, $"order-account-error-{tag}-{width}");
                await page.GotoAsync("/admin/orders");
                await ChromiumSession.ScreenshotAsync(page, $"order-admin-{tag}-{width}");
            }
        }
    }

    private static async Task LoginAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", "secret-pass-1");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/account");
    }


    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
