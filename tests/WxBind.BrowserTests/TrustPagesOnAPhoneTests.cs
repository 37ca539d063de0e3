using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WxBind.Tests.Infrastructure;

namespace WxBind.BrowserTests;

/// <summary>
/// The pages a WeChat user reads before trusting a link or a scan — open in WeChat, not your link,
/// confirm login, agree to bind — on a 390 px phone, in Chinese and English: nothing wider than
/// the screen, buttons a thumb can hit. Screenshots are kept for a person to look at.
/// </summary>
public sealed class TrustPagesOnAPhoneTests
{
    private const int PhoneWidth = 390;

    [BrowserFact]
    public async Task TrustPagesFitAPhoneInBothLanguages()
    {
        await using var session = await ChromiumSession.StartAsync();
        using var http = new HttpClient { BaseAddress = session.Root };
        var sim = new SimClient(http);

        // A follower's signed link, and a second WeChat user it gets forwarded to.
        var owner = await sim.NewUserAsync();
        await sim.FollowAsync(owner);
        var link = LinkIn(SimClient.ReplyText(await sim.TextAsync(owner, "绑定"))!);
        var other = await sim.NewUserAsync();

        // A bound user's confirm page, and an unbound user's agree page, from two login codes.
        using var site = Desktop(session);
        await site.RegisterAsync($"t{Guid.NewGuid():N}@example.com", displayName: "小王");
        var bind = await (await site.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        var bound = await sim.NewUserAsync();
        await sim.ScanAsync(bound, bind.GetProperty("qrUrl").GetString()!);
        using var desktop = Desktop(session);
        var confirmLink = ArticleLink(await sim.ScanAsync(bound, await LoginQrAsync(desktop)));
        var agreeLink = ArticleLink(await sim.ScanAsync(await sim.NewUserAsync(), await LoginQrAsync(desktop)));

        foreach (var language in new[] { "zh-CN", "en" })
        {
            var plain = await PhonePageAsync(session, language, userAgent: null, openId: null);
            await plain.GotoAsync(link);
            await Assertions.Expect(plain.Locator("[data-testid=wx-open-qr]")).ToBeVisibleAsync();
            await AssertFitsAsync(plain, $"trust-open-in-wechat-{language}");

            var forwarded = await PhonePageAsync(session, language, ChromiumSession.WechatUserAgent, other);
            await forwarded.GotoAsync(link);
            await Assertions.Expect(forwarded.Locator("[data-testid=wx-refusal]")).ToHaveAttributeAsync("data-reason", "link-not-yours");
            await AssertFitsAsync(forwarded, $"trust-link-not-yours-{language}");

            var confirm = await PhonePageAsync(session, language, ChromiumSession.WechatUserAgent, bound);
            await confirm.GotoAsync(confirmLink);
            await Assertions.Expect(confirm.Locator("[data-testid=confirm-account]")).ToContainTextAsync("小王");
            await AssertFitsAsync(confirm, $"trust-confirm-login-{language}");
            await AssertThumbSizedAsync(confirm, "[data-testid=confirm-login-submit]", "[data-testid=confirm-login-cancel]");

            var agree = await PhonePageAsync(session, language, ChromiumSession.WechatUserAgent, null);
            await agree.GotoAsync(agreeLink);
            await Assertions.Expect(agree.Locator("[data-testid=relay-warning]")).ToBeVisibleAsync();
            await AssertFitsAsync(agree, $"trust-agree-bind-{language}");
            await AssertThumbSizedAsync(agree, "[data-testid=agree-bind-submit]", "[data-testid=agree-bind-cancel]");
        }
        // Looking changed nothing: the link is unspent, and both codes still wait for the phone.
        var owned = await sim.OpenAsync(owner, link);
        Assert.Contains("data-testid=\"wx-login-form\"", owned.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    private static BrowserClient Desktop(ChromiumSession session)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = session.Root };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15");
        return new BrowserClient(client);
    }

    private static async Task<string> LoginQrAsync(BrowserClient desktop)
    {
        var created = await (await desktop.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" })).Content.ReadFromJsonAsync<JsonElement>();
        return created.GetProperty("qrUrl").GetString()!;
    }

    private static string ArticleLink(JsonElement scan) => scan.GetProperty("reply").GetProperty("articles")[0].GetProperty("url").GetString()!;

    private static string LinkIn(string text)
    {
        var start = text.IndexOf("href=\"", StringComparison.Ordinal) + 6;
        return System.Net.WebUtility.HtmlDecode(text[start..text.IndexOf('"', start)]);
    }

    /// <summary>A phone-sized browser; with WeChat's User-Agent and a WeChat user for its authorize page when given.</summary>
    private static async Task<IPage> PhonePageAsync(ChromiumSession session, string language, string? userAgent, string? openId)
    {
        var context = await session.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = session.Root.ToString(),
            Locale = language,
            UserAgent = userAgent,
            ViewportSize = new ViewportSize { Width = PhoneWidth, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
        });
        context.SetDefaultTimeout(15_000);
        if (openId is not null)
        {
            await context.AddCookiesAsync([new Cookie { Name = "wxemu_openid", Value = openId, Url = session.Root.ToString() }]);
        }
        return await context.NewPageAsync();
    }

    private static async Task AssertFitsAsync(IPage page, string screenshot)
    {
        await ChromiumSession.ScreenshotAsync(page, screenshot);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= PhoneWidth, $"{screenshot} is wider than the phone.");
    }

    private static async Task AssertThumbSizedAsync(IPage page, params string[] buttons)
    {
        foreach (var button in buttons)
        {
            var box = await page.Locator(button).BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Height >= 44 && box.Width >= PhoneWidth / 2, $"{button} is {box.Width}×{box.Height}.");
        }
    }
}
