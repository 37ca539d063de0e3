using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WxBind.Tests.Emulator;

/// <summary>
/// The phone page's in-WeChat browser: each user's own site and server-side cookie jar, the
/// desktop's cookies never forwarded nor set, authorize answered as the user, other origins refused.
/// </summary>
public class PhoneBrowserTests
{
    [Fact]
    public async Task BrowseGivesTheUsersOwnSiteMirroringTheAppsPath()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await host.CreateUserAsync();
        var second = await host.CreateUserAsync();

        var a = new Uri((await host.SimAsync("browse", new { openid = first, url = "http://localhost/app/start?x=1" })).Str("frameUrl"));
        var b = new Uri((await host.SimAsync("browse", new { openid = second, url = "/app/start?x=1" })).Str("frameUrl"));

        Assert.EndsWith(".phone.localhost", a.Host, StringComparison.Ordinal);
        Assert.NotEqual(a.Host, b.Host);
        Assert.Equal("/app/start?x=1", a.PathAndQuery);
    }

    [Fact]
    public async Task PhoneSignsInThroughAuthorizeWithItsOwnJarAndTheDesktopCookiesStayOut()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var start = new Uri((await host.SimAsync("browse", new { openid = openId, url = "/app/start" })).Str("frameUrl"));

        // The desktop browser sends its own cookies to every host; the phone's site must drop them.
        using var toAuthorize = await SendAsync(host, HttpMethod.Get, start, desktopCookie: true);
        Assert.Equal(HttpStatusCode.Redirect, toAuthorize.StatusCode);
        Assert.False(toAuthorize.Headers.Contains("Set-Cookie"));
        var authorize = toAuthorize.Headers.Location!;
        Assert.Equal(start.Authority, authorize.Authority);
        Assert.StartsWith("/emulator/connect/oauth2/authorize?", authorize.PathAndQuery, StringComparison.Ordinal);

        using var toLanding = await SendAsync(host, HttpMethod.Get, authorize, desktopCookie: true);
        var landing = toLanding.Headers.Location!;
        Assert.Equal(start.Authority, landing.Authority);
        Assert.Equal("/app/landing", landing.AbsolutePath);

        using var page = await SendAsync(host, HttpMethod.Get, landing, desktopCookie: true);
        var body = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("s1", body.Str("session"));
        Assert.DoesNotContain("desktop", body.Str("cookies"), StringComparison.Ordinal);
        Assert.Contains("MicroMessenger", body.Str("userAgent"), StringComparison.Ordinal);
        Assert.False(page.Headers.Contains("Set-Cookie"));
        var grant = await host.GetJsonAsync($"/emulator/sns/oauth2/access_token?appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}&code={body.Str("code")}&grant_type=authorization_code");
        Assert.Equal(openId, grant.Str("openid"));
    }

    [Fact]
    public async Task FormPostThroughThePhoneKeepsTheJarAndRedirectsOnTheSameSite()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        await host.SimAsync("open", new { openid = openId, url = "/app/start" });
        var form = new Uri((await host.SimAsync("browse", new { openid = openId, url = "/app/form" })).Str("frameUrl"));

        using var request = new HttpRequestMessage(HttpMethod.Post, form) { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "王五" }) };
        request.Headers.Add("Origin", form.GetLeftPart(UriPartial.Authority));
        using var posted = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(form.Authority, posted.Headers.Location!.Authority);

        using var done = await SendAsync(host, HttpMethod.Get, posted.Headers.Location!, desktopCookie: false);
        Assert.Equal("done 王五 s1", await done.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EachPhoneHasItsOwnJar()
    {
        await using var host = await EmulatorHost.StartAsync();
        var first = await host.CreateUserAsync();
        var second = await host.CreateUserAsync();
        await host.SimAsync("open", new { openid = first, url = "/app/start" });
        var landing = new Uri((await host.SimAsync("browse", new { openid = second, url = "/app/landing" })).Str("frameUrl"));

        using var page = await SendAsync(host, HttpMethod.Get, landing, desktopCookie: false);

        Assert.Equal(JsonValueKind.Null, (await page.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session").ValueKind);
    }

    [Fact]
    public async Task AddressBarFollowsThePagesThePhoneNavigatesTo()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var landing = new Uri((await host.SimAsync("browse", new { openid = openId, url = "/app/landing?step=2" })).Str("frameUrl"));

        using var request = new HttpRequestMessage(HttpMethod.Get, landing);
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        using var page = await host.Client.SendAsync(request);

        var bar = await host.GetJsonAsync("/emulator/_sim/browser?openid=" + openId);
        Assert.Equal("http://localhost/app/landing?step=2", bar.Str("url"));
    }

    [Fact]
    public async Task BrowseAnswersWechatsAuthorizeUrlAsTheUser()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var redirect = Uri.EscapeDataString("http://localhost/app/landing");
        var authorizeUrl = $"https://open.weixin.qq.com/connect/oauth2/authorize?appid={EmulatorHost.AppId}&redirect_uri={redirect}&response_type=code&scope=snsapi_base&state=menu#wechat_redirect";

        var frame = new Uri((await host.SimAsync("browse", new { openid = openId, url = authorizeUrl })).Str("frameUrl"));
        using var toLanding = await SendAsync(host, HttpMethod.Get, frame, desktopCookie: false);
        using var page = await SendAsync(host, HttpMethod.Get, toLanding.Headers.Location!, desktopCookie: false);

        var body = await page.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("menu", body.Str("state"));
        var grant = await host.GetJsonAsync($"/emulator/sns/oauth2/access_token?appid={EmulatorHost.AppId}&secret={EmulatorHost.AppSecret}&code={body.Str("code")}&grant_type=authorization_code");
        Assert.Equal(openId, grant.Str("openid"));
    }

    [Fact]
    public async Task BrowseRefusesAnotherLocalPortWithAProblem()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        using var response = await host.Client.PostAsJsonAsync(new Uri("/emulator/_sim/browse", UriKind.Relative), new { openid = openId, url = "http://localhost:6379/internal/secret" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PhoneDoesNotFollowARedirectToAnotherLocalPort()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var elsewhere = new Uri((await host.SimAsync("browse", new { openid = openId, url = "/app/elsewhere" })).Str("frameUrl"));

        using var page = await SendAsync(host, HttpMethod.Get, elsewhere, desktopCookie: false);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Contains("只打开应用自己的页面", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(page.Headers.Location);
        Assert.Equal(0, host.SecretHits.Value);
    }

    [Fact]
    public async Task UnknownPhoneIsANotFoundPage()
    {
        await using var host = await EmulatorHost.StartAsync();

        using var page = await SendAsync(host, HttpMethod.Get, new Uri("http://dnobody.phone.localhost/app/landing"), desktopCookie: false);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(EmulatorHost host, HttpMethod method, Uri url, bool desktopCookie)
    {
        using var request = new HttpRequestMessage(method, url);
        if (desktopCookie)
        {
            request.Headers.Add("Cookie", "app_session=desktop; .AspNetCore.Identity.Application=desktop");
        }

        return await host.Client.SendAsync(request);
    }
}
