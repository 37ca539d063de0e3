using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WxBind.Tests.Emulator;

/// <summary>The in-WeChat browser opens the app's origin and the emulator only: no SSRF through <c>/_sim/open</c>.</summary>
public class SimBrowserTargetTests
{
    [Theory]
    [InlineData("http://127.0.0.1:6379/internal/secret")]
    [InlineData("http://localhost:6379/internal/secret")]
    [InlineData("https://localhost/internal/secret")]
    [InlineData("http://169.254.169.254/internal/secret")]
    [InlineData("http://user@localhost/internal/secret")]
    [InlineData("file:///etc/passwd")]
    public async Task OpenRefusesAnotherOriginWithAProblemAndFetchesNothing(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        using var response = await host.Client.PostAsJsonAsync(new Uri("/emulator/_sim/open", UriKind.Relative), new { openid = openId, url });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("only the app's own pages", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(0, host.SecretHits.Value);
    }

    [Fact]
    public async Task OpenDoesNotFollowARedirectToAnotherLocalPort()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        using var response = await host.Client.PostAsJsonAsync(new Uri("/emulator/_sim/open", UriKind.Relative), new { openid = openId, url = "/app/elsewhere" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("http://127.0.0.1:6379/internal/secret", problem.Str("url"));
        Assert.Equal(["http://localhost/app/elsewhere", "http://127.0.0.1:6379/internal/secret"], problem.GetProperty("visited").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(0, host.SecretHits.Value);
    }

    [Fact]
    public async Task OpenFetchesTheAppsOwnPages()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();

        var page = await host.SimAsync("open", new { openid = openId, url = "http://localhost/internal/secret" });

        Assert.Equal("secret", page.Str("body"));
        Assert.Equal(1, host.SecretHits.Value);
    }
}
