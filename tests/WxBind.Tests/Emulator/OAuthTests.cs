using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace WxBind.Tests.Emulator;

public class OAuthTests
{
    [Fact]
    public async Task AuthorizeRedirectsTheCookieUserWithCodeAndState()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        var location = await AuthorizeAsync(host, openId, "snsapi_base", "st4te");

        Assert.StartsWith("https://app.example/cb?", location, StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(new Uri(location).Query);
        Assert.Equal("st4te", query["state"].ToString());
        Assert.False(string.IsNullOrEmpty(query["code"]));
    }

    [Fact]
    public async Task CodeIsSingleUse()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var code = CodeOf(await AuthorizeAsync(host, openId, "snsapi_base", "s"));

        var first = await ExchangeAsync(host, code);
        Assert.Equal(openId, first.Str("openid"));
        Assert.Equal("snsapi_base", first.Str("scope"));
        Assert.Equal(7200, first.GetProperty("expires_in").GetInt32());

        var second = await ExchangeAsync(host, code);
        Assert.Equal(40163, second.ErrCode());
        Assert.StartsWith("code been used", second.Str("errmsg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedExchangeStillConsumesTheCode()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var code = CodeOf(await AuthorizeAsync(host, openId, "snsapi_base", "s"));

        Assert.Equal(40125, (await ExchangeAsync(host, code, secret: "wrong")).ErrCode());
        Assert.Equal(40163, (await ExchangeAsync(host, code)).ErrCode());
    }

    [Fact]
    public async Task UnknownOrExpiredCodeGets40029()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        Assert.Equal(40029, (await ExchangeAsync(host, "nosuchcode")).ErrCode());

        var code = CodeOf(await AuthorizeAsync(host, openId, "snsapi_base", "s"));
        host.Time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(40029, (await ExchangeAsync(host, code)).ErrCode());
    }

    [Fact]
    public async Task UserinfoNeedsTheUserinfoScope()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync("李四");

        var baseGrant = await ExchangeAsync(host, CodeOf(await AuthorizeAsync(host, openId, "snsapi_base", "s")));
        var denied = await host.GetJsonAsync($"/emulator/sns/userinfo?access_token={baseGrant.Str("access_token")}&openid={openId}&lang=zh_CN");
        Assert.Equal(48001, denied.ErrCode());

        var fullGrant = await ExchangeAsync(host, CodeOf(await AuthorizeAsync(host, openId, "snsapi_userinfo", "s")));
        var info = await host.GetJsonAsync($"/emulator/sns/userinfo?access_token={fullGrant.Str("access_token")}&openid={openId}&lang=zh_CN");
        Assert.Equal(openId, info.Str("openid"));
        Assert.Equal("李四", info.Str("nickname"));
    }

    [Fact]
    public async Task RefreshAndAuthWork()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var grant = await ExchangeAsync(host, CodeOf(await AuthorizeAsync(host, openId, "snsapi_base", "s")));

        var ok = await host.GetJsonAsync($"/emulator/sns/auth?access_token={grant.Str("access_token")}&openid={openId}");
        Assert.Equal(0, ok.GetProperty("errcode").GetInt32());

        var refreshed = await host.GetJsonAsync($"/emulator/sns/oauth2/refresh_token?appid={EmulatorHost.AppId}&grant_type=refresh_token&refresh_token={grant.Str("refresh_token")}");
        Assert.Equal(openId, refreshed.Str("openid"));
        Assert.NotEqual(grant.Str("access_token"), refreshed.Str("access_token"));

        Assert.Equal(40030, (await host.GetJsonAsync($"/emulator/sns/oauth2/refresh_token?appid={EmulatorHost.AppId}&grant_type=refresh_token&refresh_token=bogus")).ErrCode());
        host.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(42002, (await host.GetJsonAsync($"/emulator/sns/oauth2/refresh_token?appid={EmulatorHost.AppId}&grant_type=refresh_token&refresh_token={grant.Str("refresh_token")}")).ErrCode());
        Assert.Equal(42001, (await host.GetJsonAsync($"/emulator/sns/auth?access_token={grant.Str("access_token")}&openid={openId}")).ErrCode());
    }

    [Theory]
    [InlineData("redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&scope=snsapi_base", "10012")]
    [InlineData("appid=" + EmulatorHost.AppId + "&response_type=code&scope=snsapi_base", "10011")]
    [InlineData("appid=" + EmulatorHost.AppId + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code", "10010")]
    public async Task BadAuthorizeParametersShowAnErrorPage(string query, string errcode)
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.GetAsync(new Uri("/emulator/connect/oauth2/authorize?" + query, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"data-errcode=\"{errcode}\"", body, StringComparison.Ordinal);
    }

    private static async Task<string> AuthorizeAsync(EmulatorHost host, string openId, string scope, string state)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(
            $"/emulator/connect/oauth2/authorize?appid={EmulatorHost.AppId}&redirect_uri={Uri.EscapeDataString("https://app.example/cb")}&response_type=code&scope={scope}&state={state}#wechat_redirect",
            UriKind.Relative));
        request.Headers.Add("Cookie", "wxemu_openid=" + openId);
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static string CodeOf(string location) => QueryHelpers.ParseQuery(new Uri(location).Query)["code"].ToString();

    private static Task<JsonElement> ExchangeAsync(EmulatorHost host, string code, string secret = EmulatorHost.AppSecret) =>
        host.GetJsonAsync($"/emulator/sns/oauth2/access_token?appid={EmulatorHost.AppId}&secret={secret}&code={code}&grant_type=authorization_code");
}
