using System.Text.Json;

namespace WxBind.Tests.Emulator;

public class StableTokenTests
{
    [Fact]
    public async Task NormalModeReturnsTheSameTokenWithRemainingLifetime()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await StableAsync(host, force: false);
        host.Time.Advance(TimeSpan.FromSeconds(1000));
        var second = await StableAsync(host, force: false);

        Assert.Equal(first.Str("access_token"), second.Str("access_token"));
        Assert.Equal(7200, first.GetProperty("expires_in").GetInt32());
        Assert.Equal(6200, second.GetProperty("expires_in").GetInt32());
    }

    [Fact]
    public async Task NormalModeRotatesInTheLastFiveMinutesAndKeepsTheOldValid()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = (await StableAsync(host, force: false)).Str("access_token");
        host.Time.Advance(TimeSpan.FromSeconds(7200 - 299));
        var rotated = await StableAsync(host, force: false);

        Assert.NotEqual(first, rotated.Str("access_token"));
        Assert.Equal(7200, rotated.GetProperty("expires_in").GetInt32());
        Assert.Equal(0, (await ApiCallAsync(host, first)).ErrCode());
        host.Time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(42001, (await ApiCallAsync(host, first)).ErrCode());
    }

    [Fact]
    public async Task ForceRefreshMintsANewTokenAndInvalidatesTheOld()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = (await StableAsync(host, force: false)).Str("access_token");
        var forced = (await StableAsync(host, force: true)).Str("access_token");

        Assert.NotEqual(first, forced);
        Assert.Equal(40001, (await ApiCallAsync(host, first)).ErrCode());
        Assert.Equal(0, (await ApiCallAsync(host, forced)).ErrCode());
    }

    [Fact]
    public async Task ForceRefreshWithin30SecondsReturnsTheCurrentTokenWithoutRotating()
    {
        await using var host = await EmulatorHost.StartAsync();
        var forced = (await StableAsync(host, force: true)).Str("access_token");
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(forced, (await StableAsync(host, force: true)).Str("access_token"));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotEqual(forced, (await StableAsync(host, force: true)).Str("access_token"));
    }

    [Fact]
    public async Task StableTokenIsIsolatedFromCgiBinToken()
    {
        await using var host = await EmulatorHost.StartAsync();
        var stable = (await StableAsync(host, force: false)).Str("access_token");
        await host.GetAccessTokenAsync();
        await host.GetAccessTokenAsync();
        Assert.Equal(0, (await ApiCallAsync(host, stable)).ErrCode());
        Assert.Equal(stable, (await StableAsync(host, force: false)).Str("access_token"));
    }

    [Fact]
    public async Task StableTokenChecksCredentials()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.PostJsonAsync("/emulator/cgi-bin/stable_token",
            new { grant_type = "client_credential", appid = EmulatorHost.AppId, secret = "nope" });
        Assert.Equal(40125, json.ErrCode());
    }

    private static Task<JsonElement> StableAsync(EmulatorHost host, bool force) =>
        host.PostJsonAsync("/emulator/cgi-bin/stable_token",
            new { grant_type = "client_credential", appid = EmulatorHost.AppId, secret = EmulatorHost.AppSecret, force_refresh = force });

    private static async Task<JsonElement> ApiCallAsync(EmulatorHost host, string token)
    {
        var openId = await host.CreateUserAsync();
        return await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}");
    }
}
