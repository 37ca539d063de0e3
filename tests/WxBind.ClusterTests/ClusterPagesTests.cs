using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>A person at a real browser, on the balancer's URL: binds, then logs in by scanning.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterPagesTests(ClusterFixture cluster)
{
    [ClusterBrowserFact]
    public async Task PersonBindsAndLogsInByScanningThroughTheBalancer()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("WXBIND_TEST_BROWSER") is { Length: > 0 } path && File.Exists(path) ? path : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var phone = cluster.Phone();
        var openId = await phone.NewUserAsync();

        // Register and bind: the page switches to the bound view by itself (its event stream runs through nginx).
        var site = await NewPageAsync(browser);
        var email = $"b{Guid.NewGuid():N}@example.com";
        await site.GotoAsync("/account/register");
        await site.FillAsync("#Input_Email", email);
        await site.FillAsync("#Input_DisplayName", "集群");
        await site.FillAsync("#Input_Password", "secret-pass-1");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForURLAsync("**/account");
        await site.ClickAsync("[data-testid=bind-start]");
        await site.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        await phone.ScanAsync(openId, await NewestQrUrlAsync());
        await site.WaitForSelectorAsync("[data-testid=binding]");
        await SaveAsync(site, "cluster-bound");

        // Another browser logs in by scanning and confirming on the phone.
        var desktop = await NewPageAsync(browser);
        await desktop.GotoAsync("/account/login");
        await desktop.WaitForSelectorAsync("[data-testid=qr-image][src*='qr.png']");
        var scan = await phone.ScanAsync(openId, await NewestQrUrlAsync());
        await Assertions.Expect(desktop.Locator("[data-testid=qr-status]")).ToContainTextAsync("确认", new() { Timeout = 15_000 });
        Assert.Contains("已确认", await PhoneSteps.ConfirmLoginAsync(phone, openId, scan), StringComparison.Ordinal);
        await desktop.WaitForURLAsync("**/account");
        Assert.Equal(email, await desktop.TextContentAsync("[data-testid=profile-email]"));
        await SaveAsync(desktop, "cluster-logged-in");
    }

    private async Task<IPage> NewPageAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = cluster.Site.ToString(), Locale = "zh-CN" });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>The code the page shows: the newest one WeChat issued (tests run one at a time).</summary>
    private async Task<string> NewestQrUrlAsync()
    {
        using var http = new HttpClient { BaseAddress = cluster.Emulator };
        var codes = await http.GetFromJsonAsync<JsonElement>("/emulator/_sim/qrcodes");
        return codes[0].GetProperty("url").GetString()!;
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }
}
