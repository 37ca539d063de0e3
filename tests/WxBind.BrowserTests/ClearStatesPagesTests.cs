using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>
/// No dead ends: the QR panel's states each say what happened and what to do next, unbinding asks
/// first (website and WeChat), forms show every error once beside its field and keep what was typed.
/// </summary>
public sealed class ClearStatesPagesTests
{
    [BrowserFact]
    public async Task ScannedCodeIsReplacedByTheScannedStateAndTheCardKeepsItsSize()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        var panel = desktop.Locator("[data-qr-panel]");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-phase", "waiting");
        var before = (await desktop.Locator(".qr-stage").BoundingBoxAsync())!;

        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();

        await Assertions.Expect(panel).ToHaveAttributeAsync("data-phase", "scanned", new() { Timeout = 15_000 });
        await Assertions.Expect(desktop.Locator("[data-testid=qr-status]")).ToContainTextAsync("已扫描，请在手机上");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-image]")).ToBeHiddenAsync();
        await Assertions.Expect(desktop.Locator("[data-testid=qr-mark]")).ToBeVisibleAsync();
        await Assertions.Expect(desktop.Locator("[data-testid=qr-countdown]")).ToHaveTextAsync("");
        Assert.Equal("status", await desktop.GetAttributeAsync("[data-testid=qr-status]", "role"));
        Assert.Equal("polite", await desktop.GetAttributeAsync("[data-testid=qr-status]", "aria-live"));
        var after = (await desktop.Locator(".qr-stage").BoundingBoxAsync())!;
        Assert.Equal(before.Height, after.Height);
        Assert.Equal(before.Width, after.Width);
    }

    [BrowserFact]
    public async Task AFailedCodeIsShownInTheErrorColourWithRetryAndTheOtherWaysIn()
    {
        await using var session = await ChromiumSession.StartAsync();
        var desktop = await session.NewPageAsync();
        await desktop.RouteAsync("**/api/qr-sessions", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new RouteFulfillOptions { Status = 429, ContentType = "application/problem+json", Body = "{\"status\":429}" })
            : route.ContinueAsync());
        await desktop.GotoAsync("/account/login");

        var panel = desktop.Locator("[data-qr-panel]");
        await Assertions.Expect(panel).ToHaveAttributeAsync("data-phase", "error");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-retry]")).ToHaveTextAsync("重试");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-hint]")).ToContainTextAsync("注册");
        await Assertions.Expect(desktop.Locator("[data-testid=qr-mark]")).ToBeVisibleAsync();
        // The same red as every other error on the site.
        var danger = await desktop.EvaluateAsync<string>("getComputedStyle(document.documentElement).getPropertyValue('--danger').trim()");
        Assert.Equal("#d83931", danger);
        Assert.Equal("rgb(216, 57, 49)", await desktop.EvalOnSelectorAsync<string>("[data-testid=qr-status]", "e => getComputedStyle(e).color"));
    }

    [BrowserFact]
    public async Task ThePhoneWidthAccountPageSaysHowToBindFromThePhone()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = await session.NewPageAsync();
        await RegisterAsync(page);
        var note = page.Locator("[data-testid=bind-phone-note]");
        await Assertions.Expect(note).ToBeHiddenAsync();

        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(note).ToBeVisibleAsync();
        await Assertions.Expect(note).ToContainTextAsync("发送「绑定」");
    }

    [BrowserFact]
    public async Task StartingToBindTakesAwayTheNoticeOfWhatCameBefore()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = await session.NewPageAsync();
        await RegisterAsync(page);

        await page.ClickAsync("[data-testid=bind-start]");

        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task ThePhoneWidthLoginPageExplainsInsteadOfOfferingACode()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = await session.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        var created = 0;
        page.Request += (_, request) => { if (request.Method == "POST" && request.Url.EndsWith("/api/qr-sessions", StringComparison.Ordinal)) created++; };

        await page.GotoAsync("/account/login");

        await Assertions.Expect(page.Locator("[data-testid=qr-phone-note]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=qr-image]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-testid=login-form]")).ToBeVisibleAsync();
        Assert.Equal(0, created);
    }

    [BrowserFact]
    public async Task UnbindingAsksFirstOnTheWebsiteAndInWechat()
    {
        await using var session = await ChromiumSession.StartAsync();
        var site = await session.NewPageAsync();
        await RegisterAsync(site);
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        await BindAsync(site, phone);
        await Assertions.Expect(site.Locator("[data-testid=notice]")).ToContainTextAsync("绑定成功");

        // Website: the button leads to a confirm step; cancelling keeps the binding.
        await site.ClickAsync("[data-testid=unbind]");
        await Assertions.Expect(site.Locator("[data-testid=unbind-confirm]")).ToContainTextAsync("确认解除绑定？");
        await site.ClickAsync("[data-testid=unbind-cancel]");
        await Assertions.Expect(site.Locator("[data-testid=unbind-confirm]")).ToHaveCountAsync(0);
        await Assertions.Expect(site.Locator("[data-testid=binding]")).ToBeVisibleAsync();
        await site.ClickAsync("[data-testid=unbind]");
        await site.ClickAsync("[data-testid=unbind-confirm-submit]");
        await site.WaitForSelectorAsync("[data-testid=bind-start]");
        await Assertions.Expect(site.Locator("[data-testid=notice]")).ToContainTextAsync("已解除");

        // WeChat: 解绑 only asks; 确认解绑 unbinds.
        await BindAsync(site, phone);
        await SayAsync(phone, "解绑");
        await Assertions.Expect(phone.Locator("#chat .msg.in").Last).ToContainTextAsync("回复「确认解绑」以解除绑定");
        await site.ReloadAsync();
        await Assertions.Expect(site.Locator("[data-testid=binding]")).ToBeVisibleAsync();
        await SayAsync(phone, "确认解绑");
        await Assertions.Expect(phone.Locator("#chat .msg.in").Last).ToContainTextAsync("已解除绑定");
        await site.ReloadAsync();
        await Assertions.Expect(site.Locator("[data-testid=bind-start]")).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task RegisterShowsEveryErrorOnceBesideItsFieldAndKeepsWhatWasTyped()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = await session.NewPageAsync();
        await page.GotoAsync("/account/register");
        await Assertions.Expect(page.Locator("[data-testid=password-rules]")).ToContainTextAsync("至少 8 位");

        await page.FillAsync("#Input_Email", "not-an-email");
        await page.FillAsync("#Input_DisplayName", "保留的昵称");
        await page.ClickAsync("[data-testid=register-submit]");

        // Both broken fields at once, each beside its field, none repeated in a summary.
        var emailError = page.Locator("#Input_Email ~ .field-error").First;
        await Assertions.Expect(emailError).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.Password']")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-valmsg-for='Input.DisplayName']")).ToBeEmptyAsync();
        var emailMessage = (await page.Locator("[data-valmsg-for='Input.Email']").TextContentAsync())!;
        var passwordMessage = (await page.Locator("[data-valmsg-for='Input.Password']").TextContentAsync())!;
        var form = (await page.Locator("[data-testid=register-form]").TextContentAsync())!;
        Assert.Equal(1, Count(form, emailMessage));
        Assert.Equal(1, Count(form, passwordMessage));
        // No summary repeats them (it is there only for errors that belong to no field).
        Assert.Equal("", string.Concat(await page.Locator("[data-testid=errors]").AllTextContentsAsync()).Trim());
        Assert.Equal("not-an-email", await page.InputValueAsync("#Input_Email"));
        Assert.Equal("保留的昵称", await page.InputValueAsync("#Input_DisplayName"));
    }

    [BrowserFact]
    public async Task BindCompleteCountsDownAndKeepsWhatWasTypedWhenTheScanExpires()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/login");
        await ScanAndAgreeAsync(desktop, phone);
        await desktop.WaitForURLAsync("**/account/bind-complete**");
        await Assertions.Expect(desktop.Locator("[data-testid=bind-complete-countdown]")).ToContainTextAsync("剩余时间");

        var email = $"k{Guid.NewGuid():N}@example.com";
        await desktop.FillAsync("#RegisterForm_Email", email);
        await desktop.FillAsync("#RegisterForm_DisplayName", "留下的昵称");
        await desktop.FillAsync("#RegisterForm_Password", "secret-pass-1");
        await ExpireLoginSessionsAsync(session);
        await desktop.ClickAsync("[data-testid=bind-complete-register-submit]");

        await Assertions.Expect(desktop.Locator("[data-testid=bind-complete-invalid]")).ToBeVisibleAsync();
        await Assertions.Expect(desktop.Locator("[data-testid=bind-complete-rescan]")).ToBeVisibleAsync();
        Assert.Equal(email, await desktop.InputValueAsync("#RegisterForm_Email"));
        Assert.Equal("留下的昵称", await desktop.InputValueAsync("#RegisterForm_DisplayName"));
        Assert.Equal("", await desktop.InputValueAsync("#RegisterForm_Password"));

        // A fresh scan from here comes back to the same forms, still filled in.
        await desktop.ClickAsync("[data-testid=bind-complete-rescan]");
        await ScanAndAgreeAsync(desktop, phone);
        await Assertions.Expect(desktop.Locator("[data-testid=bind-complete-countdown]")).ToContainTextAsync("剩余时间", new() { Timeout = 15_000 });
        Assert.Equal(email, await desktop.InputValueAsync("#RegisterForm_Email"));
        Assert.Equal("留下的昵称", await desktop.InputValueAsync("#RegisterForm_DisplayName"));
    }

    /// <summary>The phone scans the desktop's newest login code and agrees to bind in its in-WeChat browser.</summary>
    private static async Task ScanAndAgreeAsync(IPage desktop, IPage phone)
    {
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        // Counted on the page as it stands: right after a reload the chat may not be drawn yet.
        var links = await phone.Locator("#chat .msg.in a").CountAsync();
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
        await Assertions.Expect(phone.Locator("#chat .msg.in a")).ToHaveCountAsync(links + 1, new() { Timeout = 15_000 });
        await phone.Locator("#chat .msg.in a").Last.ClickAsync();
        await phone.FrameLocator("#browser iframe").Locator("[data-testid=agree-bind-submit]").ClickAsync();
    }

    private static async Task ExpireLoginSessionsAsync(ChromiumSession session)
    {
        var database = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<WxBind.Storage.Database>(session.App.Services);
        await using var connection = await database.OpenAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE qr_sessions SET status = 'expired' WHERE purpose = 'login'");
    }

    private static int Count(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private static async Task RegisterAsync(IPage page)
    {
        await ChromiumSession.RegisterAsync(page, "状态用户");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("注册成功");
    }

    private static async Task BindAsync(IPage site, IPage phone)
    {
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await phone.ReloadAsync();
        await phone.Locator("[data-testid=qrcode] button.scan").First.ClickAsync();
        await site.WaitForSelectorAsync("[data-testid=binding]", new() { Timeout = 15_000 });
    }

    private static async Task SayAsync(IPage phone, string text)
    {
        await phone.FillAsync("#chat-input", text);
        await phone.ClickAsync("#send");
    }
}
