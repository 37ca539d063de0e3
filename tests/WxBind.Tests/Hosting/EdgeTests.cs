using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Hosting;

/// <summary>Forwarded headers from known proxies only, __Host- cookies under HTTPS, security headers, browser keys as issued, WeChat down → 503.</summary>
public sealed partial class EdgeTests : IAsyncLifetime
{
    private const string PeerHeader = "X-Test-Peer";
    private WxBindFactory _app = null!;

    public async Task InitializeAsync() =>
        _app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?>(AppFixture.SharedSettings) { ["WxBind:KnownProxies:0"] = "10.1.2.3", ["WxBind:KnownProxies:1"] = "172.16.0.0/12" },
            services => services.AddSingleton<IStartupFilter, PeerAddressFromHeader>());

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client() => _app.CreateDefaultClient();

    private static HttpRequestMessage Get(string url, string peer, string? forwardedProto = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add(PeerHeader, peer);
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return request;
    }

    private static string SetCookie(HttpResponseMessage response, string nameEnd) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single(v => v.Split('=')[0].EndsWith(nameEnd, StringComparison.Ordinal)) : "";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.5.6")]
    public async Task HttpsForwardedByAKnownProxyGivesSecureHostPrefixedCookies(string proxy)
    {
        using var http = Client();

        var page = await http.SendAsync(Get("/account/login", proxy, "https"));

        var antiforgery = SetCookie(page, "wxbind.af");
        Assert.StartsWith("__Host-wxbind.af=", antiforgery, StringComparison.Ordinal);
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HttpsClaimedByAnUnknownPeerIsIgnored()
    {
        using var http = Client();

        var page = await http.SendAsync(Get("/account/login", "203.0.113.9", "https"));

        var antiforgery = SetCookie(page, "wxbind.af");
        Assert.StartsWith("wxbind.af=", antiforgery, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LoginOverForwardedHttpsWorksWithHostPrefixedCookiesOnly()
    {
        using var http = Client();
        var email = $"e{Guid.NewGuid():N}@example.com";
        using (var registrar = BrowserClient.Create(_app))
        {
            await registrar.RegisterAsync(email);
        }
        var page = await http.SendAsync(Get("/account/login", "127.0.0.1", "https"));
        var antiforgery = SetCookie(page, "wxbind.af").Split(';')[0];
        var login = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email,
                ["Input.Password"] = "secret-pass-1",
                ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
            }),
        };
        login.Headers.Add(PeerHeader, "127.0.0.1");
        login.Headers.Add("X-Forwarded-Proto", "https");
        login.Headers.Add("Cookie", antiforgery);

        var loggedIn = await http.SendAsync(login);
        var auth = SetCookie(loggedIn, "wxbind.auth");

        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        Assert.StartsWith("__Host-wxbind.auth=", auth, StringComparison.Ordinal);
        Assert.Contains("; secure", auth, StringComparison.OrdinalIgnoreCase);
        var cookie = auth.Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get("/account", "127.0.0.1", "https", cookie))).StatusCode);
        // The same value without the prefix (as a subdomain or plain HTTP could plant it) is not read over HTTPS.
        Assert.Equal(HttpStatusCode.Redirect, (await http.SendAsync(Get("/account", "127.0.0.1", "https", cookie["__Host-".Length..]))).StatusCode);
    }

    [Theory]
    [InlineData("/account/login", "strict-origin-when-cross-origin")]
    [InlineData("/wx/login", "no-referrer")]
    [InlineData("/account/reset-password", "no-referrer")]
    public async Task PagesCarryTheSecurityHeaders(string url, string referrerPolicy)
    {
        using var http = Client();

        var response = await http.SendAsync(Get(url, "127.0.0.1"));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        // Development: the emulator's phone page on the same origin may frame the app's pages.
        Assert.Equal("SAMEORIGIN", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("frame-ancestors 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(referrerPolicy, response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ForgedBrowserKeyIsReplacedAndSeesNothing()
    {
        using var http = Client();
        var forged = "A" + new string('b', 42); // 43 characters of the attacker's choosing
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/qr-sessions") { Content = JsonContent.Create(new { purpose = "login" }) };
        create.Headers.Add("Cookie", $"wxbind.browser={forged}");

        var created = await http.SendAsync(create);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        var issued = SetCookie(created, "wxbind.browser");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("wxbind.browser=", issued, StringComparison.Ordinal);
        Assert.NotEqual($"wxbind.browser={forged}", issued.Split(';')[0]);
        var id = session.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(Get($"/api/qr-sessions/{id}", "127.0.0.1", cookie: $"wxbind.browser={forged}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get($"/api/qr-sessions/{id}", "127.0.0.1", cookie: issued.Split(';')[0]))).StatusCode);
    }

    [Fact]
    public async Task QrSessionWithWechatUnreachableIsA503Problem()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?>(AppFixture.SharedSettings) { ["Wechat:ApiBaseUrl"] = "http://localhost/nowhere" });
        using var http = app.CreateDefaultClient();

        var response = await http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains("暂时无法连接微信", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var database = app.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM qr_sessions"));
    }

    /// <summary>TestServer has no socket: the test names the peer address the app sees.</summary>
    private sealed class PeerAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(PeerHeader, out var peer))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
