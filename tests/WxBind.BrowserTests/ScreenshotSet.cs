using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>
/// The page-by-page screenshot set for people to look at (scripts/screenshots.sh): every page and
/// every state of every panel a newcomer meets, in Chinese and English, at desktop (1280 px) and
/// phone (390 px) width. It runs only when <c>WXBIND_SCREENSHOTS</c> names the folder to write to.
/// </summary>
public sealed class ScreenshotSet
{
    private static readonly string? Folder = Environment.GetEnvironmentVariable("WXBIND_SCREENSHOTS");

    // Four passes of every flow run within a minute from one address: the per-client limits would
    // turn the later ones away (the rate-limited panel is shot on purpose, below).
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["WxBind:Accounts:LoginPermitsPerMinute"] = "10000",
        ["WxBind:Accounts:RegisterPermitsPerMinute"] = "10000",
        ["WxBind:QrSessions:CreatePermitsPerMinute"] = "10000",
    };

    [ScreenshotFact]
    public async Task EveryPageInBothLanguagesAtBothWidths()
    {
        await using var session = await ChromiumSession.StartAsync(settings: Settings);
        Directory.CreateDirectory(Folder!);
        foreach (var language in new[] { "zh-CN", "en" })
        {
            foreach (var width in new[] { 1280, 390 })
            {
                await ShootAsync(session, language, width);
            }
        }
    }

    private static async Task ShootAsync(ChromiumSession session, string language, int width)
    {
        var height = width > 500 ? 800 : 844;
        var desktopWidth = width > 500;
        var tag = $"{(language == "en" ? "en" : "zh")}-{width}";
        async Task Shot(IPage page, string name) =>
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder!, $"{name}.{tag}.png"), FullPage = true });
        async Task<IPage> Site()
        {
            var page = await session.NewPageAsync(language);
            await page.SetViewportSizeAsync(width, height);
            return page;
        }
        // The phone page and the in-WeChat browser inside it at the width being shot: at 390 the
        // phone fills the screen as it would on a real phone.
        var phone = await session.NewPhoneAsync(language);
        await phone.SetViewportSizeAsync(width, height);
        var browser = phone.FrameLocator("#browser iframe");

        // Home, login, register (with every error at once), the account page.
        var site = await Site();
        await site.GotoAsync("/");
        await Shot(site, "01-home");
        await site.GotoAsync("/account/login");
        await site.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Shot(site, "02-login");
        await site.GotoAsync("/account/register");
        await Shot(site, "03-register");
        await site.FillAsync("#Input_Email", "not-an-email");
        await site.FillAsync("#Input_DisplayName", "小明");
        await site.FillAsync("#Input_Password", "short");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForSelectorAsync("[data-valmsg-for='Input.Password']:not(:empty)");
        await Shot(site, "04-register-errors");
        var email = $"shot{Guid.NewGuid():N}@example.com";
        await site.FillAsync("#Input_Email", email);
        await site.FillAsync("#Input_Password", "secret-pass-1");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Shot(site, "05-account-registered");

        // Binding by scan: waiting, success (website and phone), unbind asks first.
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await Shot(site, "06-account-bind-qr");
        await NewPhoneUserAsync(phone);
        await ScanNewestAsync(phone);
        await site.WaitForSelectorAsync("[data-testid=binding]", new() { Timeout = 15_000 });
        await Shot(site, "07-account-bound");
        await Shot(phone, "08-phone-bound");
        await site.ClickAsync("[data-testid=unbind]");
        await site.WaitForSelectorAsync("[data-testid=unbind-confirm]");
        await Shot(site, "09-account-unbind-confirm");
        await site.ClickAsync("[data-testid=unbind-confirm-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Shot(site, "10-account-unbound");

        // The bind panel's error (this WeChat user is bound to another account) and expired states.
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await ScanNewestAsync(phone);
        await site.WaitForSelectorAsync("[data-testid=binding]", new() { Timeout = 15_000 });
        var other = await Site();
        await ChromiumSession.RegisterAsync(other, "小红");
        await other.ClickAsync("[data-testid=bind-start]");
        await other.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await ScanNewestAsync(phone);
        await other.WaitForSelectorAsync("[data-qr-panel][data-phase=error]", new() { Timeout = 15_000 });
        await Shot(other, "11-account-bind-taken");
        await other.ClickAsync("[data-testid=qr-retry]");
        await other.WaitForSelectorAsync("[data-qr-panel][data-phase=waiting][data-session-id]");
        await ExpireAsync(session, (await other.GetAttributeAsync("[data-qr-panel]", "data-session-id"))!);
        await other.WaitForSelectorAsync("[data-qr-panel][data-phase=expired]", new() { Timeout = 20_000 });
        await Shot(other, "12-account-bind-expired");
        await other.Context.CloseAsync();

        // The login panel when no code can be made (too many codes asked for).
        var desktop = await Site();
        await desktop.RouteAsync("**/api/qr-sessions", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new RouteFulfillOptions { Status = 429, ContentType = "application/problem+json", Body = "{\"status\":429}" })
            : route.ContinueAsync());
        await desktop.GotoAsync("/account/login");
        await desktop.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Shot(desktop, "13-login-qr-rate-limited");
        await desktop.UnrouteAsync("**/api/qr-sessions");
        if (desktopWidth)
        {
            // A phone cannot scan its own screen, so the scanning states are desktop-only.
            await desktop.ReloadAsync();
            await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
            await NewPhoneUserAsync(phone);
            await ScanNewestAsync(phone);
            await desktop.WaitForSelectorAsync("[data-qr-panel][data-phase=scanned]", new() { Timeout = 15_000 });
            await Shot(desktop, "14-login-qr-scanned");
            await phone.Locator("#chat .msg.in a").Last.ClickAsync();
            await browser.Locator("[data-testid=agree-bind-submit]").WaitForAsync();
            await Shot(phone, "15-phone-agree");
            await browser.Locator("[data-testid=agree-bind-submit]").ClickAsync();
            await desktop.WaitForURLAsync("**/account/bind-complete**");
            await desktop.WaitForSelectorAsync("[data-testid=bind-complete-countdown]:not(:empty)");
            await Shot(desktop, "16-bind-complete");
            await desktop.FillAsync("#RegisterForm_Email", "not-an-email");
            await desktop.FillAsync("#RegisterForm_DisplayName", "小明");
            await desktop.FillAsync("#RegisterForm_Password", "password");
            await desktop.ClickAsync("[data-testid=bind-complete-register-submit]");
            await desktop.WaitForSelectorAsync("[data-valmsg-for='RegisterForm.Password']:not(:empty)");
            await Shot(desktop, "17-bind-complete-errors");

            // Cancelled on the phone: the desktop says so and offers a new code.
            var cancelled = await Site();
            await cancelled.GotoAsync("/account/login");
            await cancelled.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
            await NewPhoneUserAsync(phone);
            await ScanNewestAsync(phone);
            await phone.Locator("#chat .msg.in a").Last.ClickAsync();
            await browser.Locator("[data-testid=agree-bind-cancel]").ClickAsync();
            await cancelled.WaitForSelectorAsync("[data-qr-panel][data-phase=cancelled]", new() { Timeout = 15_000 });
            await browser.Locator("[data-testid=agree-outcome]").WaitForAsync();
            await Shot(cancelled, "18-login-qr-cancelled");
            await Shot(phone, "19-phone-agree-cancelled");
            await cancelled.Context.CloseAsync();
        }
        await desktop.GotoAsync("/account/bind-complete?session=none");
        await Shot(desktop, "20-bind-complete-expired");
        await desktop.Context.CloseAsync();

        // Lockout, and the password reset from asking to the new password.
        var login = await Site();
        await login.GotoAsync("/account/login");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await login.FillAsync("#Input_Email", email);
            await login.FillAsync("#Input_Password", "wrong-pass-1");
            await login.ClickAsync("[data-testid=login-submit]");
            // The answer is a new page, and a password is never written back into one.
            await Assertions.Expect(login.Locator("#Input_Password")).ToHaveValueAsync("");
        }
        await Shot(login, "21-login-lockout");
        await login.ClickAsync("[data-testid=forgot-link]");
        await login.WaitForSelectorAsync("[data-testid=forgot-form]");
        await Shot(login, "22-forgot-password");
        await login.FillAsync("#Input_Email", email);
        await login.ClickAsync("[data-testid=forgot-submit]");
        await login.WaitForSelectorAsync("[data-testid=reset-sent]");
        await Shot(login, "23-forgot-password-sent");
        await login.GotoAsync("/dev/outbox");
        await Shot(login, "24-dev-outbox");
        await login.Locator("[data-testid=outbox-mail]", new() { HasText = email }).Locator("[data-testid=mail-link]").First.ClickAsync();
        await login.WaitForSelectorAsync("[data-testid=reset-form]");
        await login.FillAsync("#Input_Password", "newpassword");
        await login.ClickAsync("[data-testid=reset-submit]");
        await login.WaitForSelectorAsync("[data-valmsg-for='Input.Password']:not(:empty)");
        await Shot(login, "25-reset-password-errors");
        await login.GotoAsync("/account/reset-password?user=nobody&token=used");
        await Shot(login, "26-reset-link-invalid");
        await login.Context.CloseAsync();

        // In WeChat: 绑定 sends a link; outside WeChat it shows itself as a code, inside it opens
        // the login and register pages; a used link is refused with a way to start again.
        await NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Assertions.Expect(phone.Locator("#follow-state")).ToHaveAttributeAsync("data-subscribed", "true");
        var links = await phone.Locator("#chat .msg.in a").CountAsync();
        await phone.FillAsync("#chat-input", "绑定");
        await phone.ClickAsync("#send");
        await Assertions.Expect(phone.Locator("#chat .msg.in a")).ToHaveCountAsync(links + 1, new() { Timeout = 15_000 });
        var link = phone.Locator("#chat .msg.in a").Nth(links);
        site = await Site();
        await site.GotoAsync((await link.GetAttributeAsync("href"))!);
        await Shot(site, "27-wx-link-outside-wechat");
        await site.Context.CloseAsync();
        await link.ClickAsync();
        await browser.Locator("[data-testid=wx-login-form]").WaitForAsync();
        await Shot(phone, "28-phone-wx-login");
        await browser.Locator("[data-testid=wx-register-link]").ClickAsync();
        await browser.Locator("#Input_Email").FillAsync("not-an-email");
        await browser.Locator("#Input_DisplayName").FillAsync("微信用户");
        await browser.Locator("#Input_Password").FillAsync("12345678");
        await browser.Locator("[data-testid=wx-register-submit]").ClickAsync();
        await browser.Locator("[data-valmsg-for='Input.Password']:not(:empty)").WaitForAsync();
        await Shot(phone, "29-phone-wx-register-errors");
        await browser.Locator("#Input_Email").FillAsync($"wx{Guid.NewGuid():N}@example.com");
        await browser.Locator("#Input_Password").FillAsync("secret-pass-1");
        await browser.Locator("[data-testid=wx-register-submit]").ClickAsync();
        await browser.Locator("[data-testid=wx-done]").WaitForAsync();
        await Shot(phone, "30-phone-wx-bound");
        await phone.ClickAsync("#browser-close");
        await link.ClickAsync();
        await browser.Locator("[data-testid=wx-refusal]").WaitForAsync();
        await Shot(phone, "31-phone-wx-link-reused");

        var wx = await session.NewPageAsync(language, ChromiumSession.WechatUserAgent);
        await wx.SetViewportSizeAsync(width, height);
        await wx.GotoAsync("/wx/login?sig=forged");
        await Shot(wx, "32-wx-refused");
        await wx.GotoAsync("/no-such-page");
        await Shot(wx, "33-not-found");
        await wx.Context.CloseAsync();
        await phone.Context.CloseAsync();
    }

    // The phone page speaks the language too, so this waits for the user, not for a Chinese word.
    private static async Task NewPhoneUserAsync(IPage phone)
    {
        // The in-WeChat browser covers the chat while it is open, as WeChat's own does.
        if (await phone.Locator("#browser.open").CountAsync() > 0)
        {
            await phone.ClickAsync("#browser-close");
        }
        var before = await phone.TextContentAsync("#current-openid");
        await phone.ClickAsync("#new-user");
        await Assertions.Expect(phone.Locator("#current-openid")).Not.ToHaveTextAsync(before ?? "");
        await Assertions.Expect(phone.Locator("#current-openid")).ToHaveTextAsync(new Regex("^o.{20,}"));
    }

    /// <summary>The phone scans the newest code on offer (the page that made it is waiting for it).</summary>
    private static async Task ScanNewestAsync(IPage phone)
    {
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
    }


    /// <summary>Lets one QR session run out now; the waiting page learns it at its next heartbeat.</summary>
    private static async Task ExpireAsync(ChromiumSession session, string id)
    {
        var database = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<WxBind.Storage.Database>(session.App.Services);
        await using var connection = await database.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE qr_sessions SET status = 'expired' WHERE id = @id", new { id });
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
