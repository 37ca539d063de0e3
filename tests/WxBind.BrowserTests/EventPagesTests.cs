using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using WxBind.CommandLine;

namespace WxBind.BrowserTests;

/// <summary>F5 as people do it: the administrator sets up an event, a follower signs up and checks in at the door.</summary>
public sealed class EventPagesTests
{
    [BrowserFact]
    public async Task FollowerSignsUpOnThePhoneAndChecksInAtTheDoorWhileTheAdminPageCounts()
    {
        await using var session = await ChromiumSession.StartAsync();
        var (admin, adminEmail) = await AdministratorAsync(session, "zh-CN");

        // The administrator creates and publishes an event that starts in ten minutes (check-in is open).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        var start = DateTimeOffset.UtcNow.AddMinutes(10);
        await admin.GotoAsync("/admin/events");
        await admin.ClickAsync("[data-testid=event-new]");
        await admin.FillAsync("#Input_Title", "冬季产品路演");
        await admin.FillAsync("#Input_Description", "新品发布，现场交流。");
        await admin.FillAsync("#Input_Place", "上海 · 一号报告厅");
        await admin.FillAsync("#Input_StartsAt", Local(start));
        await admin.FillAsync("#Input_EndsAt", Local(start.AddHours(3)));
        await admin.FillAsync("#Input_SignupDeadline", Local(start));
        await admin.FillAsync("#Input_Capacity", "30");
        await ChromiumSession.ScreenshotAsync(admin, "event-edit-zh-1280");
        await admin.ClickAsync("[data-testid=event-save]");
        await admin.ClickAsync("[data-testid=event-publish]");
        await Expect(admin.Locator("[data-testid=event-status]"), "已发布");
        var eventPath = new Uri(admin.Url).AbsolutePath;
        var eventId = eventPath["/admin/events/".Length..];

        // A follower binds inside WeChat, asks for 活动 and signs up with one tap.
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        await phone.Locator("#chat .msg.in a.link").Last.ClickAsync();
        var browser = phone.FrameLocator("#browser iframe");
        await browser.Locator("[data-testid=wx-register-link]").ClickAsync();
        await browser.Locator("[data-testid=wx-register-form]").WaitForAsync();
        await browser.Locator("#Input_Email").FillAsync($"f{Guid.NewGuid():N}@example.com");
        await browser.Locator("#Input_DisplayName").FillAsync("路演观众");
        await browser.Locator("#Input_Password").FillAsync("secret-pass-1");
        await browser.Locator("[data-testid=wx-register-submit]").ClickAsync();
        await Expect(browser.Locator("[data-testid=wx-done]"), "绑定成功");
        await phone.ClickAsync("#browser-close");
        await phone.FillAsync("#chat-input", "活动");
        await phone.ClickAsync("#send");
        await Expect(phone.Locator("#chat .msg.in").Last, "冬季产品路演");
        await phone.Locator("#chat .msg.in a.link").Last.ClickAsync();
        await browser.Locator("[data-testid=event-signup]").ClickAsync();
        await Expect(browser.Locator("[data-testid=event-registered]"), "你已报名");
        await ChromiumSession.ScreenshotAsync(phone, "event-wx-signed-up-zh-390");
        await phone.ClickAsync("#browser-close");
        await Expect(phone.Locator("#chat .msg.in").Last, "报名成功");

        // The event page and the door screen are open; the door shows a code.
        await admin.GotoAsync(eventPath);
        await Expect(admin.Locator("[data-testid=count-registered]"), "1");
        var door = await admin.Context.NewPageAsync();
        await door.GotoAsync($"{eventPath}/door");
        await Assertions.Expect(door.Locator("[data-testid=door-qr]")).ToBeVisibleAsync();
        await ChromiumSession.ScreenshotAsync(door, "event-door-zh-1280");
        var image = await door.Locator("[data-testid=door-qr]").GetAttributeAsync("src") ?? "";
        var scene = image[(image.LastIndexOf('/') + 1)..];

        // The follower scans the code on the screen; the admin page's count moves by itself.
        await ScanAsync(phone, scene);
        await Expect(phone.Locator("#chat .msg.in").Last, "签到成功，你是第 1 位");
        await Expect(admin.Locator("[data-testid=count-checkedin]"), "1");
        await Expect(door.Locator("[data-testid=door-count]"), "1");
        await Expect(admin.Locator("[data-testid=scan-row]").First, "签到成功");
        await ChromiumSession.ScreenshotAsync(admin, "event-admin-zh-1280");

        // A second scan (a second later: WeChat's duplicate filter works per second) changes nothing.
        await Task.Delay(1100);
        await ScanAsync(phone, scene);
        await Expect(phone.Locator("#chat .msg.in").Last, "已于");
        await Expect(admin.Locator("[data-testid=count-checkedin]"), "1");
        await ChromiumSession.ScreenshotAsync(phone, "event-phone-checkin-zh-390");

        await ScreenshotsAsync(session, admin, eventId, adminEmail);
    }

    /// <summary>Each event page at 1280 and 390 px wide, in Chinese and English.</summary>
    private static async Task ScreenshotsAsync(ChromiumSession session, IPage zhAdmin, string eventId, string adminEmail)
    {
        var enAdmin = await session.NewPageAsync("en");
        await enAdmin.GotoAsync("/account/login");
        await enAdmin.FillAsync("#Input_Email", adminEmail);
        await enAdmin.FillAsync("#Input_Password", "secret-pass-1");
        await enAdmin.ClickAsync("[data-testid=login-submit]");
        await enAdmin.WaitForURLAsync("**/account");
        foreach (var (page, language) in new[] { (zhAdmin, "zh"), (enAdmin, "en") })
        {
            foreach (var width in new[] { 1280, 390 })
            {
                await page.SetViewportSizeAsync(width, width == 390 ? 844 : 900);
                foreach (var (path, name) in new[]
                {
                    ("/admin/events", "admin-list"), ($"/admin/events/{eventId}", "admin-event"), ($"/admin/events/{eventId}/edit", "admin-edit"),
                    ($"/admin/events/{eventId}/door", "door"), ($"/events/{eventId}", "site-event"), ("/wx/events", "wx-list"),
                })
                {
                    await page.GotoAsync(path);
                    if (name == "door")
                    {
                        await Assertions.Expect(page.Locator("[data-testid=door-qr]")).ToBeVisibleAsync();
                    }
                    await ChromiumSession.ScreenshotAsync(page, $"event-{name}-{language}-{width}");
                }
            }
        }
    }

    private static async Task<(IPage Page, string Email)> AdministratorAsync(ChromiumSession session, string locale)
    {
        var page = await session.NewPageAsync(locale);
        var email = $"admin{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/account/register");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_DisplayName", "活动管理员");
        await page.FillAsync("#Input_Password", "secret-pass-1");
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync("**/account");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await CommandLineExtensions.RunAsync(session.App.Services, ["admin", "grant", email], output, error));
        return (page, email);
    }

    /// <summary>Scans the emulator's code whose scene is <paramref name="scene"/>, as the phone's 扫一扫 does with a pasted url.</summary>
    private static async Task ScanAsync(IPage phone, string scene)
    {
        var codes = JsonDocument.Parse(await (await phone.APIRequest.GetAsync("/emulator/_sim/qrcodes")).TextAsync()).RootElement;
        var url = codes.EnumerateArray().First(c => c.GetProperty("scene").ToString() == scene).GetProperty("url").GetString()!;
        await phone.FillAsync("#qr-url", url);
        await phone.ClickAsync("#scan-url");
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
