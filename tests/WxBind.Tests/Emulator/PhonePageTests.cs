using System.Net;

namespace WxBind.Tests.Emulator;

public class PhonePageTests
{
    [Fact]
    public async Task PhonePageIsServedAsHtmlWithItsStableIds()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.GetAsync(new Uri("/emulator/phone", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (var id in new[] { "id=\"new-user\"", "id=\"user-select\"", "id=\"follow\"", "id=\"unfollow\"", "id=\"chat-input\"", "id=\"send\"", "id=\"chat\"", "id=\"browser\"", "id=\"menu\"", "id=\"qrcodes\"" })
        {
            Assert.Contains(id, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MenuCreateIsStoredForThePhone()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        var menu = new
        {
            button = new object[]
            {
                new { type = "click", name = "绑定", key = "BIND" },
                new { name = "更多", sub_button = new object[] { new { type = "view", name = "官网", url = "http://localhost/" } } },
            },
        };

        var created = await host.PostJsonAsync("/emulator/cgi-bin/menu/create?access_token=" + token, menu);
        Assert.Equal(0, created.GetProperty("errcode").GetInt32());
        var stored = await host.GetJsonAsync("/emulator/_sim/menu");
        Assert.Equal("BIND", stored.GetProperty("button")[0].Str("key"));

        var invalid = await host.PostJsonAsync("/emulator/cgi-bin/menu/create?access_token=" + token,
            new { button = new object[] { new { type = "teleport", name = "x", key = "k" } } });
        Assert.Equal(40017, invalid.ErrCode());
    }
}
