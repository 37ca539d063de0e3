namespace WxBind.Tests.Emulator;

public class AccessTokenTests
{
    private const string TokenUrl = "/emulator/cgi-bin/token?grant_type=client_credential";

    [Fact]
    public async Task EveryCallMintsANewTokenWith7200Seconds()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await host.GetJsonAsync($"{TokenUrl}&appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}");
        var second = await host.GetJsonAsync($"{TokenUrl}&appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}");

        Assert.False(first.TryGetProperty("errcode", out _));
        Assert.Equal(7200, first.GetProperty("expires_in").GetInt32());
        Assert.NotEqual(first.Str("access_token"), second.Str("access_token"));
    }

    [Fact]
    public async Task NewTokenLeavesPreviousValidForFiveMinutesThen40001()
    {
        await using var host = await EmulatorHost.StartAsync();
        var old = await host.GetAccessTokenAsync();
        var fresh = await host.GetAccessTokenAsync();

        host.Time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(0, (await UserInfoAsync(host, old)).ErrCode());

        host.Time.Advance(TimeSpan.FromSeconds(1));
        var rejected = await UserInfoAsync(host, old);
        Assert.Equal(40001, rejected.ErrCode());
        Assert.StartsWith("invalid credential, access_token is invalid or not latest rid: ", rejected.Str("errmsg"), StringComparison.Ordinal);
        Assert.Equal(0, (await UserInfoAsync(host, fresh)).ErrCode());
    }

    [Fact]
    public async Task OnlyTheImmediatelyPreviousTokenKeepsTheGrace()
    {
        await using var host = await EmulatorHost.StartAsync();
        var oldest = await host.GetAccessTokenAsync();
        var previous = await host.GetAccessTokenAsync();
        await host.GetAccessTokenAsync();

        Assert.Equal(40001, (await UserInfoAsync(host, oldest)).ErrCode());
        Assert.Equal(0, (await UserInfoAsync(host, previous)).ErrCode());
    }

    [Fact]
    public async Task ExpiredTokenGives42001()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        host.Time.Advance(TimeSpan.FromSeconds(7200));

        var expired = await UserInfoAsync(host, token);
        Assert.Equal(42001, expired.ErrCode());
        Assert.StartsWith("access_token expired", expired.Str("errmsg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAndMissingTokensAreRejected()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal(40001, (await UserInfoAsync(host, "not-a-token")).ErrCode());
        Assert.Equal(41001, (await host.GetJsonAsync("/emulator/cgi-bin/user/info?openid=x")).ErrCode());
    }

    [Theory]
    [InlineData("&appid=" + EmulatorHost.AppId + "&secret=wrong", 40125)]
    [InlineData("&appid=wx0000000000000000&secret=" + EmulatorHost.AppSecret, 40013)]
    [InlineData("&secret=" + EmulatorHost.AppSecret, 41002)]
    [InlineData("&appid=" + EmulatorHost.AppId, 41004)]
    public async Task BadCredentialsAreRejected(string query, int errcode)
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.GetJsonAsync(TokenUrl + query);
        Assert.Equal(errcode, json.ErrCode());
        Assert.Contains(" rid: ", json.Str("errmsg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadGrantTypeGives40002()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.GetJsonAsync($"/emulator/cgi-bin/token?grant_type=password&appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}");
        Assert.Equal(40002, json.ErrCode());
    }

    [Fact]
    public async Task ForcedInvalidTokenFaultAnswers40001Once()
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        await host.PostJsonAsync("/emulator/_sim/faults", new { forceInvalidToken = true });

        Assert.Equal(40001, (await UserInfoAsync(host, token)).ErrCode());
        Assert.Equal(0, (await UserInfoAsync(host, token)).ErrCode());
    }

    [Fact]
    public async Task SimTokensCountsSuccessfulFetchesOnly()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.GetAccessTokenAsync();
        await host.GetAccessTokenAsync();
        await host.GetJsonAsync($"{TokenUrl}&appid={EmulatorHost.AppId}&secret=wrong");
        await host.PostJsonAsync("/emulator/cgi-bin/stable_token",
            new { grant_type = "client_credential", appid = EmulatorHost.AppId, secret = EmulatorHost.AppSecret });

        var counts = await host.GetJsonAsync("/emulator/_sim/tokens");

        Assert.Equal(2, counts.GetProperty("token").GetInt32());
        Assert.Equal(1, counts.GetProperty("stableToken").GetInt32());
    }

    private static async Task<System.Text.Json.JsonElement> UserInfoAsync(EmulatorHost host, string token)
    {
        var openId = await host.CreateUserAsync();
        return await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}");
    }
}
