using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>The phone page as a separate device: its own in-WeChat browser, a menu to tap, and state that survives a restart.</summary>
public sealed class PhoneDevicePagesTests
{
    private const string AppId = "wx5e1a7b3c9d2f4e60";
    private const string AppSecret = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";

    [BrowserFact]
    public async Task RegisteringInsideWechatOnThePhoneLeavesTheDesktopLoggedInAsBefore()
    {
        await using var session = await ChromiumSession.StartAsync();
        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync("/account/register");
        await desktop.FillAsync("#Input_Email", $"d{Guid.NewGuid():N}@example.com");
        await desktop.FillAsync("#Input_DisplayName", "桌面用户");
        await desktop.FillAsync("#Input_Password", "secret-pass-1");
        await desktop.ClickAsync("[data-testid=register-submit]");
        await desktop.WaitForURLAsync("**/account");

        // The phone page in the same browser as the desktop: one cookie store, as when trying it by hand.
        var phone = await desktop.Context.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        await phone.Locator("#chat .msg.in a.link").Last.ClickAsync();

        var wechat = phone.FrameLocator("#browser iframe");
        await Expect(wechat.Locator("h1"), "微信登录");
        Assert.Equal(0, await wechat.Locator("[data-testid=nav-logout]").CountAsync());
        Assert.DoesNotContain("桌面用户", await wechat.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(phone.Locator("#browser-url")).ToContainTextAsync("/wx/login");
        await wechat.Locator("[data-testid=wx-register-link]").ClickAsync();
        await wechat.Locator("[data-testid=wx-register-form]").WaitForAsync();
        await Assertions.Expect(phone.Locator("#browser-url")).ToContainTextAsync("/wx/register");
        await wechat.Locator("#Input_Email").FillAsync($"p{Guid.NewGuid():N}@example.com");
        await wechat.Locator("#Input_DisplayName").FillAsync("手机用户");
        await wechat.Locator("#Input_Password").FillAsync("secret-pass-1");
        await wechat.Locator("[data-testid=wx-register-submit]").ClickAsync();
        await Expect(wechat.Locator("[data-testid=wx-done]"), "绑定成功");
        await ChromiumSession.ScreenshotAsync(phone, "phone-wx-registered");

        await desktop.ReloadAsync();
        Assert.Equal("桌面用户", await desktop.TextContentAsync("[data-testid=profile-name]"));
        Assert.DoesNotContain(await desktop.Context.CookiesAsync(), c => c.Domain.Contains("phone.localhost", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task AtPhoneWidthTheNicknameFieldShowsItsWholeHintInBothLanguages()
    {
        await using var session = await ChromiumSession.StartAsync();
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var phone = await session.NewPhoneAsync(language);
            await phone.SetViewportSizeAsync(390, 844);
            var field = phone.Locator("#new-nickname");
            await Assertions.Expect(field).Not.ToHaveAttributeAsync("placeholder", "");

            // The hint's width in the field's own font against the room inside the field.
            var fit = await field.EvaluateAsync<JsonElement>("""
                el => {
                  const style = getComputedStyle(el);
                  const text = document.createElement('canvas').getContext('2d');
                  text.font = style.font;
                  return { hint: text.measureText(el.placeholder).width,
                           room: el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) };
                }
                """);
            var (hint, room) = (fit.GetProperty("hint").GetDouble(), fit.GetProperty("room").GetDouble());
            Assert.True(hint <= room, $"{language}: the hint needs {hint:0} px, the field has {room:0} px");
            await phone.Context.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task ARestartKeepsTheSimulatedUsersAndTheirChat()
    {
        var dir = Directory.CreateTempSubdirectory("wxbind-phone-restart-").FullName;
        try
        {
            // Both runs share the app's database and the emulator's state file, as two `dotnet run`s would.
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Sqlite"] = "Data Source=" + Path.Combine(dir, "wxbind.db"),
                ["Emulator:StateFile"] = Path.Combine(dir, "emulator-state.json"),
            };
            string openId;
            await using (var before = await ChromiumSession.StartAsync(settings: settings))
            {
                var phone = await before.NewPageAsync();
                await phone.GotoAsync("/emulator/phone");
                await phone.FillAsync("#new-nickname", "重启前的用户");
                await ChromiumSession.NewPhoneUserAsync(phone);
                openId = await phone.TextContentAsync("#current-openid") ?? "";
                await phone.ClickAsync("#follow");
                await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
                await phone.FillAsync("#chat-input", "重启前的消息");
                await phone.ClickAsync("#send");
                await Expect(phone.Locator("#chat .msg.out").Last, "重启前的消息");
            }

            await using var after = await ChromiumSession.StartAsync(settings: settings);
            var again = await after.NewPageAsync();
            await again.GotoAsync("/emulator/phone");
            await again.Locator("#user-select").SelectOptionAsync(openId);

            await Expect(again.Locator("#follow-state"), "已关注");
            await Expect(again.Locator("#chat .msg.out").Last, "重启前的消息");
            await Expect(again.Locator("#chat .msg.in").First, "欢迎关注");
            await Expect(again.Locator("#user-select option:checked"), "重启前的用户");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [BrowserFact]
    public async Task TheMenuIsShownAndTappedOnThePhone()
    {
        await using var session = await ChromiumSession.StartAsync();
        await CreateMenuAsync(session);
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");

        // A click button: the account answers the CLICK event with the sign-in link.
        await phone.Locator("#menu .menu-btn[data-key=BIND]").ClickAsync();
        await Expect(phone.Locator("#chat .msg.in").Last, "点此登录或注册");
        await Assertions.Expect(phone.Locator("#status")).ToContainTextAsync("CLICK");
        await ChromiumSession.ScreenshotAsync(phone, "phone-menu");

        // A view button inside a sub-menu: the in-WeChat browser goes through WeChat's authorize as this user.
        await phone.Locator("#menu .menu-head").ClickAsync();
        await phone.Locator("#menu .menu-btn[data-type=view]").ClickAsync();
        var wechat = phone.FrameLocator("#browser iframe");
        await Expect(wechat.Locator("h1"), "微信登录");
        await Assertions.Expect(phone.Locator("#browser-url")).ToContainTextAsync("/wx/login");
        var deliveries = await (await phone.APIRequest.GetAsync("/emulator/_sim/deliveries")).TextAsync();
        Assert.Contains("VIEW", deliveries, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task PhonePageSpeaksEnglishWhenTheBrowserDoesAndSwitchesToChinese()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPageAsync("en-US");
        await phone.GotoAsync("/emulator/phone");
        await Assertions.Expect(phone.Locator("#new-user")).ToHaveTextAsync("New user");
        await phone.ClickAsync("#new-user");
        await Assertions.Expect(phone.Locator("#follow-state")).ToHaveTextAsync("Not following");

        await phone.Locator("#lang").SelectOptionAsync("zh");

        await Assertions.Expect(phone.Locator("#follow-state")).ToHaveTextAsync("未关注");
        await Assertions.Expect(phone.Locator("#new-user")).ToHaveTextAsync("新建用户");
    }

    private static async Task CreateMenuAsync(ChromiumSession session)
    {
        using var http = new HttpClient { BaseAddress = session.Root };
        var token = (await http.GetFromJsonAsync<JsonElement>($"/emulator/cgi-bin/token?grant_type=client_credential&appid={AppId}&secret={AppSecret}"))
            .GetProperty("access_token").GetString();
        using var created = await http.PostAsJsonAsync($"/emulator/cgi-bin/menu/create?access_token={token}", new
        {
            button = new object[]
            {
                new { type = "click", name = "绑定", key = "BIND" },
                new { name = "更多", sub_button = new object[] { new { type = "view", name = "我的账户", url = new Uri(session.Root, "/wx/oauth/start").ToString() } } },
            },
        });
        Assert.Equal(0, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errcode").GetInt32());
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });

}
