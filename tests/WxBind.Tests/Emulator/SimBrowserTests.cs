using System.Text.Json;

namespace WxBind.Tests.Emulator;

public class SimBrowserTests
{
    [Fact]
    public async Task OpenFollowsTheAuthorizeRedirectAndLandsWithCodeAndState()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        var page = await host.SimAsync("open", new { openid = openId, url = "/app/start" });

        Assert.Equal(200, page.GetProperty("status").GetInt32());
        Assert.StartsWith("http://localhost/app/landing?code=", page.Str("finalUrl"), StringComparison.Ordinal);
        var body = JsonDocument.Parse(page.Str("body")).RootElement;
        Assert.Equal("xyz123", body.Str("state"));
        Assert.Equal("s1", body.Str("session"));
        Assert.Contains("MicroMessenger", body.Str("userAgent"), StringComparison.Ordinal);

        var grant = await host.GetJsonAsync($"/emulator/sns/oauth2/access_token?appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}&code={body.Str("code")}&grant_type=authorization_code");
        Assert.Equal(openId, grant.Str("openid"));
    }

    [Fact]
    public async Task FormPostUsesTheSameCookieJar()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        await host.SimAsync("open", new { openid = openId, url = "http://localhost/app/start" });

        var page = await host.SimAsync("open", new { openid = openId, url = "/app/form", method = "POST", form = new Dictionary<string, string> { ["name"] = "王五" } });

        Assert.Equal(200, page.GetProperty("status").GetInt32());
        Assert.Equal("done 王五 s1", page.Str("body"));
    }

    [Fact]
    public async Task EachUserHasTheirOwnCookieJar()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await host.CreateUserAsync();
        var second = await host.CreateUserAsync();
        await host.SimAsync("open", new { openid = first, url = "/app/start" });

        var page = await host.SimAsync("open", new { openid = second, url = "/app/form", method = "POST", form = new Dictionary<string, string> { ["name"] = "x" } });

        Assert.Equal("done x ", page.Str("body"));
    }

    [Fact]
    public async Task UnknownUserIsRefused()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.PostAsync(new Uri("/emulator/_sim/open", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { openid = "oNobody", url = "/app/start" }));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
