namespace WxBind.Tests.Emulator;

public class UserInfoTests
{
    [Fact]
    public async Task FollowerHasTheCurrentShapeWithoutNicknameOrHeadimgurl()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        var token = await host.GetAccessTokenAsync();

        var info = await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}&lang=zh_CN");

        Assert.False(info.TryGetProperty("errcode", out _));
        Assert.Equal(1, info.GetProperty("subscribe").GetInt32());
        Assert.Equal(openId, info.Str("openid"));
        Assert.True(info.GetProperty("subscribe_time").GetInt64() > 0);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, info.GetProperty("tagid_list").ValueKind);
        Assert.False(info.TryGetProperty("nickname", out _));
        Assert.False(info.TryGetProperty("headimgurl", out _));
    }

    [Fact]
    public async Task NonFollowerGetsOnlySubscribeAndOpenId()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var token = await host.GetAccessTokenAsync();

        var info = await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}");

        Assert.Equal(["subscribe", "openid"], info.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, info.GetProperty("subscribe").GetInt32());
    }

    [Fact]
    public async Task UnknownOpenIdGets40003()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        Assert.Equal(40003, (await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid=oNobody")).ErrCode());
    }

    [Fact]
    public async Task SimulatedOpenIdsLookLikeWechats()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync("张三");
        Assert.Equal(28, openId.Length);
        Assert.StartsWith("o", openId, StringComparison.Ordinal);
        var users = await host.GetJsonAsync("/emulator/_sim/users");
        Assert.Equal("张三", users[0].Str("nickname"));
    }

    [Fact]
    public async Task SimUserCanBeCreatedWithoutABody()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.PostAsync(new Uri("/emulator/_sim/users", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("o", json.Str("openid"), StringComparison.Ordinal);
    }
}
