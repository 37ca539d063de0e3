using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxBind.Menu;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Orders;

/// <summary><c>Wechat:Menu</c>: checked at start-up, published when it changed, and by <c>menu publish</c>.</summary>
public sealed class MenuPublishTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static Task<bool> StartupPublishAsync(WxBindFactory app) => app.Services.GetRequiredService<MenuStartupPublisher>().Completion;

    /// <summary>The menu the app's emulator holds; a JSON null when none was ever published to it.</summary>
    private static async Task<JsonElement> EmulatorMenuAsync(WxBindFactory app)
    {
        var body = await app.CreateClient().GetStringAsync("/emulator/_sim/menu");
        return JsonDocument.Parse(body.Length == 0 ? "null" : body).RootElement;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DefaultMenuIsPublishedOnceAndAgainOnlyWhenChanged(StorageProvider provider)
    {
        await using var first = await WxBindFactory.CreateAsync(provider);
        Assert.True(await StartupPublishAsync(first));
        var menu = await EmulatorMenuAsync(first);
        var buttons = menu.GetProperty("button").EnumerateArray().ToList();
        Assert.Equal(["绑定账号", "我的订单", "更多"], buttons.Select(b => b.GetProperty("name").GetString()));
        Assert.Equal("BIND", buttons[0].GetProperty("key").GetString());
        Assert.Equal("MY_ORDERS", buttons[1].GetProperty("key").GetString());
        var subs = buttons[2].GetProperty("sub_button").EnumerateArray().ToList();
        Assert.Equal("http://localhost/wx/events", subs[0].GetProperty("url").GetString());
        Assert.Equal("HELP", subs[1].GetProperty("key").GetString());

        // A restart with the same menu does not call WeChat (its emulator never gets a menu).
        await using (var restart = WxBindFactory.SharingDatabaseOf(first))
        {
            Assert.False(await StartupPublishAsync(restart));
            Assert.Equal(JsonValueKind.Null, (await EmulatorMenuAsync(restart)).ValueKind);
        }
        var changed = new Dictionary<string, string?>
        {
            ["Wechat:Menu:0:Name"] = "帮助",
            ["Wechat:Menu:0:Type"] = "click",
            ["Wechat:Menu:0:Key"] = "HELP",
        };
        await using (var edited = WxBindFactory.SharingDatabaseOf(first, changed))
        {
            Assert.True(await StartupPublishAsync(edited));
            Assert.Equal("帮助", (await EmulatorMenuAsync(edited)).GetProperty("button")[0].GetProperty("name").GetString());
        }
        await using (var again = WxBindFactory.SharingDatabaseOf(first, changed))
        {
            Assert.False(await StartupPublishAsync(again));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task MenuPublishCommandPublishesEvenWhenUnchanged(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider);
        await StartupPublishAsync(app);
        var before = await AdminTestKit.ScalarAsync<long>(app, "SELECT published_at FROM wechat_menu_state");
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var (exit, output, error) = await AdminTestKit.RunCommandAsync(app, "menu", "publish");

        Assert.True(exit == 0, error);
        Assert.Contains("我的订单", output, StringComparison.Ordinal);
        Assert.True(await AdminTestKit.ScalarAsync<long>(app, "SELECT published_at FROM wechat_menu_state") > before);
        Assert.Equal(2, (await AdminTestKit.RunCommandAsync(app, "menu", "publish", "extra")).Exit);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RefusedMenuLeavesTheSiteRunningAndIsTriedAgainAtTheNextStart(StorageProvider provider)
    {
        const string MenuCreate = "/cgi-bin/menu/create";
        var forced = new ForcedWechatErrors();
        forced.Force(MenuCreate, 40018); // WeChat: invalid button name
        await using var first = await WxBindFactory.CreateAsync(provider, services: services =>
        {
            OrdersTestKit.AddForcedErrors(services);
            services.AddSingleton(forced);
        });

        Assert.False(await StartupPublishAsync(first));
        Assert.Equal(1, forced.Calls(MenuCreate));
        Assert.Equal("Healthy", await first.CreateClient().GetStringAsync("/healthz"));
        Assert.Equal(0L, await AdminTestKit.ScalarAsync<long>(first, "SELECT COUNT(*) FROM wechat_menu_state"));
        // The command says why and fails, without retrying.
        var (exit, _, error) = await AdminTestKit.RunCommandAsync(first, "menu", "publish");
        Assert.Equal(1, exit);
        Assert.Contains("errcode 40018", error, StringComparison.Ordinal);
        Assert.Equal(2, forced.Calls(MenuCreate));

        // Nothing was recorded as published, so the next start sends it.
        await using var next = WxBindFactory.SharingDatabaseOf(first);
        Assert.True(await StartupPublishAsync(next));
        Assert.Equal("我的订单", (await EmulatorMenuAsync(next)).GetProperty("button")[1].GetProperty("name").GetString());
    }

    public static TheoryData<string, string, string> BadMenus => new()
    {
        { "Wechat:Menu:3:Name", "第四个", "Wechat:Menu must have 1 to 3 top buttons" },
        { "Wechat:Menu:0:Name", "一个非常长的菜单名称", "Wechat:Menu:0:Name" },
        { "Wechat:Menu:0:Key", "", "Wechat:Menu:0:Key" },
        { "Wechat:Menu:0:Type", "scancode_push", "Wechat:Menu:0:Type" },
        { "Wechat:Menu:1:Type", "view", "Wechat:Menu:1:Url" },
        { "Wechat:Menu:2:SubButtons:0:Url", "javascript:alert(1)", "Wechat:Menu:2:SubButtons:0:Url" },
        { "Wechat:Menu:2:SubButtons:5:Name", "第六个", "Wechat:Menu:2:SubButtons must have at most 5" },
    };

    [Theory, MemberData(nameof(BadMenus))]
    public async Task InvalidMenuStopsStartUpNamingTheKey(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Wechat:Menu:0:Name"] = "绑定账号", ["Wechat:Menu:0:Type"] = "click", ["Wechat:Menu:0:Key"] = "BIND",
            ["Wechat:Menu:1:Name"] = "我的订单", ["Wechat:Menu:1:Type"] = "click", ["Wechat:Menu:1:Key"] = "MY_ORDERS",
            ["Wechat:Menu:2:Name"] = "更多",
            ["Wechat:Menu:2:SubButtons:0:Name"] = "活动", ["Wechat:Menu:2:SubButtons:0:Type"] = "view", ["Wechat:Menu:2:SubButtons:0:Url"] = "/wx/events",
            [key] = value,
        };
        if (key.Contains(":5:", StringComparison.Ordinal))
        {
            for (var i = 1; i <= 5; i++)
            {
                settings[$"Wechat:Menu:2:SubButtons:{i}:Name"] = $"项{i}";
                settings[$"Wechat:Menu:2:SubButtons:{i}:Type"] = "click";
                settings[$"Wechat:Menu:2:SubButtons:{i}:Key"] = $"K{i}";
            }
        }
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, settings);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
