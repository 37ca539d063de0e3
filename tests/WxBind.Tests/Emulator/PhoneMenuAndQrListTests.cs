namespace WxBind.Tests.Emulator;

/// <summary>What the phone page is built from: the published menu, tapped; the QR list with used codes marked; its language.</summary>
public class PhoneMenuAndQrListTests
{
    [Fact]
    public async Task TappingAClickButtonOfThePublishedMenuPushesClickWithItsKey()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        await host.PostJsonAsync("/emulator/cgi-bin/menu/create?access_token=" + token, new
        {
            button = new object[]
            {
                new { type = "click", name = "绑定", key = "BIND" },
                new { type = "view", name = "我的", url = "http://localhost/app/start" },
            },
        });
        var openId = await host.CreateFollowerAsync();

        var menu = await host.GetJsonAsync("/emulator/_sim/menu");
        var key = menu.GetProperty("button")[0].Str("key");
        var result = await host.SimAsync("click", new { openid = openId, key });

        Assert.Equal("CLICK", result.Str("event"));
        var push = host.Callback.Received[^1];
        Assert.Equal("CLICK", push.Event);
        Assert.Equal("BIND", push.Field("EventKey"));
        Assert.Equal(openId, push.Field("FromUserName"));
    }

    [Fact]
    public async Task TappingAViewButtonPushesViewAndOpensItOnThePhonesOwnSite()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();

        await host.SimAsync("view", new { openid = openId, url = "http://localhost/app/start" });
        var frame = new Uri((await host.SimAsync("browse", new { openid = openId, url = "http://localhost/app/start" })).Str("frameUrl"));

        var push = host.Callback.Received[^1];
        Assert.Equal("VIEW", push.Event);
        Assert.Equal("http://localhost/app/start", push.Field("EventKey"));
        Assert.EndsWith(".phone.localhost", frame.Host, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScannedCodeIsListedAsUsedWithWhoScannedIt()
    {
        await using var host = await EmulatorHost.StartAsync();
        var used = await host.CreateQrcodeAsync(new { expire_seconds = 300, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "b_used" } } });
        await host.CreateQrcodeAsync(new { expire_seconds = 300, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "l_fresh" } } });
        var openId = await host.CreateUserAsync("小李");

        await host.SimAsync("scan", new { openid = openId, ticket = used.Str("ticket") });

        var list = (await host.GetJsonAsync("/emulator/_sim/qrcodes")).EnumerateArray().ToList();
        Assert.Equal(["l_fresh", "b_used"], list.Select(q => q.Str("sceneStr")));
        Assert.Equal("小李", list[1].Str("scannedBy"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, list[0].GetProperty("scannedAt").ValueKind);
    }

    [Theory]
    [InlineData(null, "zh")]
    [InlineData("zh-CN,zh;q=0.9,en;q=0.8", "zh")]
    [InlineData("en-US,en;q=0.9", "en")]
    [InlineData("fr-FR,en;q=0.8,zh;q=0.5", "en")]
    [InlineData("fr-FR", "zh")]
    public async Task PhonePageLanguageDefaultsFromAcceptLanguage(string? acceptLanguage, string expected)
    {
        await using var host = await EmulatorHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/emulator/phone");
        if (acceptLanguage is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        using var response = await host.Client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains($"data-default-lang=\"{expected}\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"lang\"", html, StringComparison.Ordinal);
    }
}
