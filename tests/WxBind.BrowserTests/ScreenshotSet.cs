using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>
/// The page-by-page screenshot set for people to look at (scripts/screenshots.sh): every page and
/// state a newcomer meets, in Chinese and English, at desktop (1280 px) and phone (390 px) width.
/// It runs only when <c>WXBIND_SCREENSHOTS</c> names the folder to write to.
/// </summary>
public sealed class ScreenshotSet
{
    private static readonly string? Folder = Environment.GetEnvironmentVariable("WXBIND_SCREENSHOTS");

    [ScreenshotFact]
    public async Task EveryPageInBothLanguagesAtBothWidths()
    {
        await using var session = await ChromiumSession.StartAsync();
        Directory.CreateDirectory(Folder!);
        foreach (var language in new[] { "zh-CN", "en" })
        {
            foreach (var width in new[] { 1280, 390 })
            {
                await ShootAsync(session, language, width);
            }
        }
    }

    // The phone page speaks the language too, so this waits for the user, not for a Chinese word.
    private static async Task NewPhoneUserAsync(IPage phone)
    {
        var before = await phone.TextContentAsync("#current-openid");
        await phone.ClickAsync("#new-user");
        await Assertions.Expect(phone.Locator("#current-openid")).Not.ToHaveTextAsync(before ?? "");
        await Assertions.Expect(phone.Locator("#current-openid")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^o.{20,}"));
    }

    private static async Task ShootAsync(ChromiumSession session, string language, int width)
    {
        var height = width > 500 ? 800 : 844;
        var site = await session.NewPageAsync(language);
        await site.SetViewportSizeAsync(width, height);
        var phone = await session.NewPhoneAsync(language);
        await phone.SetViewportSizeAsync(Math.Max(width, 1100), 900);
        var tag = $"{(language == "en" ? "en" : "zh")}-{width}";
        async Task Shot(IPage page, string name) =>
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder!, $"{name}.{tag}.png"), FullPage = true });

        await site.GotoAsync("/");
        await Shot(site, "01-home");
        await site.GotoAsync("/account/login");
        await site.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Shot(site, "02-login");
        await site.GotoAsync("/account/register");
        await Shot(site, "03-register");
        await site.FillAsync("#Input_Email", "not-an-email");
        await site.FillAsync("#Input_DisplayName", "小明");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForSelectorAsync(".field-error:not(:empty)");
        await Shot(site, "04-register-errors");
        await site.FillAsync("#Input_Email", $"shot{Guid.NewGuid():N}@example.com");
        await site.FillAsync("#Input_Password", "secret-pass-1");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Shot(site, "05-account-registered");

        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await Shot(site, "06-account-bind-qr");
        await NewPhoneUserAsync(phone);
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
        await site.WaitForSelectorAsync("[data-testid=binding]", new() { Timeout = 15_000 });
        await Shot(site, "07-account-bound");
        await Shot(phone, "08-phone-bound");
        await site.ClickAsync("[data-testid=unbind]");
        await site.WaitForSelectorAsync("[data-testid=unbind-confirm]");
        await Shot(site, "09-account-unbind-confirm");
        await site.ClickAsync("[data-testid=unbind-confirm-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Shot(site, "10-account-unbound");

        // The login panel when no code can be made, and a scan that waits on the phone.
        var desktop = await session.NewPageAsync(language);
        await desktop.SetViewportSizeAsync(width, height);
        await desktop.RouteAsync("**/api/qr-sessions", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new RouteFulfillOptions { Status = 429, ContentType = "application/problem+json", Body = "{\"status\":429}" })
            : route.ContinueAsync());
        await desktop.GotoAsync("/account/login");
        await desktop.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Shot(desktop, "11-login-qr-error");
        await desktop.UnrouteAsync("**/api/qr-sessions");
        if (width > 500)
        {
            await desktop.ReloadAsync();
            await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
            await NewPhoneUserAsync(phone);
            await phone.ReloadAsync();
            await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
            await desktop.WaitForSelectorAsync("[data-qr-panel][data-phase=scanned]", new() { Timeout = 15_000 });
            await Shot(desktop, "12-login-qr-scanned");
            await phone.Locator("#chat .msg.in a").Last.ClickAsync();
            await phone.FrameLocator("#browser iframe").Locator("[data-testid=agree-bind-submit]").WaitForAsync();
            await Shot(phone, "13-phone-agree");
            await phone.FrameLocator("#browser iframe").Locator("[data-testid=agree-bind-submit]").ClickAsync();
            await desktop.WaitForURLAsync("**/account/bind-complete**");
            await Shot(desktop, "14-bind-complete");
        }
        await desktop.GotoAsync("/account/bind-complete?session=none");
        await Shot(desktop, "15-bind-complete-expired");

        // In-WeChat pages as the phone's browser shows them, at phone width.
        var wx = await session.NewPageAsync(language, ChromiumSession.WechatUserAgent);
        await wx.SetViewportSizeAsync(width, height);
        await wx.GotoAsync("/wx/login?sig=forged");
        await Shot(wx, "16-wx-refused");
        await site.Context.CloseAsync();
        await desktop.Context.CloseAsync();
        await wx.Context.CloseAsync();
        await phone.Context.CloseAsync();
    }
}

/// <summary>Runs only when WXBIND_SCREENSHOTS (the output folder) and WXBIND_TEST_BROWSER are set.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public ScreenshotFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WXBIND_SCREENSHOTS")) || string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WXBIND_TEST_BROWSER")))
        {
            Skip = "Screenshots are made by scripts/screenshots.sh";
        }
    }
}
