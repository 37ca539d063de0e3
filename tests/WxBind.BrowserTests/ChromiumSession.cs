using Microsoft.Playwright;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.BrowserTests;

/// <summary>
/// Debian's Chromium driven by Playwright, against the app on a real loopback socket. Playwright
/// cannot download browsers here, so the executable is always the system one.
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public WxBindFactory App { get; private set; } = null!;

    public Uri Root => App.RootUri;

    public static async Task<ChromiumSession> StartAsync(StorageProvider provider = StorageProvider.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var session = new ChromiumSession();
        session.App = await WxBindFactory.StartKestrelAsync(provider, settings);
        session._playwright = await Playwright.CreateAsync();
        var executable = Environment.GetEnvironmentVariable("WXBIND_TEST_BROWSER") is { } value && File.Exists(value) ? value : "/usr/bin/chromium";
        session.Browser = await session._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return session;
    }

    /// <summary>What WeChat's own browser sends: the in-WeChat pages ask for it before anything else.</summary>
    public const string WechatUserAgent =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI Language/zh_CN";

    /// <summary>A fresh browser profile (its own cookies), as a separate person would have.</summary>
    public async Task<IPage> NewPageAsync(string? acceptLanguage = "zh-CN", string? userAgent = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Root.ToString(), Locale = acceptLanguage, UserAgent = userAgent });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>A phone running WeChat: the emulator's phone page, whose in-WeChat browser says it is WeChat's.</summary>
    public async Task<IPage> NewPhoneAsync(string? acceptLanguage = "zh-CN")
    {
        var phone = await NewPageAsync(acceptLanguage, WechatUserAgent);
        await phone.GotoAsync("/emulator/phone");
        return phone;
    }

    /// <summary>Registers a new website account on <paramref name="page"/> and waits for its account page; returns the e-mail.</summary>
    public static async Task<string> RegisterAsync(IPage page, string name)
    {
        var email = $"u{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/account/register");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_DisplayName", name);
        await page.FillAsync("#Input_Password", "secret-pass-1");
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync("**/account");
        return email;
    }

    /// <summary>On the emulator's phone page: a new simulated WeChat user, selected and ready.</summary>
    public static async Task NewPhoneUserAsync(IPage phone)
    {
        await phone.ClickAsync("#new-user");
        await Assertions.Expect(phone.Locator("#current-openid")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^o.{20,}"));
        await Assertions.Expect(phone.Locator("#follow-state")).ToContainTextAsync("未关注");
    }

    /// <summary>Saves what the page shows under <c>artifacts/screenshots/</c>, for a person to look at.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
