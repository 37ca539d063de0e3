using System.Net;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Accounts;

public sealed class RateLimitTests
{
    [Fact]
    public async Task LoginPostsBeyondTheLimitGet429()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["WxBind:Accounts:LoginPermitsPerMinute"] = "3",
        });
        using var browser = BrowserClient.Create(app);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await browser.LoginAsync("nobody@example.com", "wrong-pass-1")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Showing the form is never limited.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task RegistrationPostsBeyondTheLimitGet429()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["WxBind:Accounts:RegisterPermitsPerMinute"] = "1",
        });
        using var browser = BrowserClient.Create(app);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.RegisterAsync($"a{Guid.NewGuid():N}@example.com")).StatusCode);
        var limited = await browser.RegisterAsync($"b{Guid.NewGuid():N}@example.com");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("操作过于频繁", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
