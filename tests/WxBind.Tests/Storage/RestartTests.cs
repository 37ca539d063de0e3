using System.Net;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

/// <summary>Login cookies outlive the process and work on every instance, because the keys are in the database.</summary>
public sealed class RestartTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task LoginCookieStillWorksAfterRestartAndOnAnotherInstance(StorageProvider provider)
    {
        await using var first = await WxBindFactory.CreateAsync(provider);
        using var browser = BrowserClient.Create(first);
        var email = $"r{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RegisterAsync(email)).StatusCode);
        var cookie = await CookieHeaderAsync(browser);

        await using var second = WxBindFactory.SharingDatabaseOf(first);
        using var client = second.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);

        var profile = await client.GetAsync("/account");

        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Contains(email, await profile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthzReportsTheDatabase()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HealthzFailsWhenTheDatabaseIsUnreachable()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite);
        using var client = app.CreateClient();
        await client.GetAsync("/healthz");
        // Make the database file unopenable: replace it with a directory.
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        // A background service (reminders, the sweeper) may open the file again at any moment:
        // swap it for a directory until the swap holds.
        for (var attempt = 0; !Directory.Exists(path); attempt++)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
            File.Delete(path + "-wal");
            File.Delete(path + "-shm");
            try
            {
                Directory.CreateDirectory(path);
            }
            catch (IOException) when (attempt < 20)
            {
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var response = await client.GetAsync("/healthz");

        Directory.Delete(path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    // The browser's cookie jar lives in the handler; read the cookies it would send.
    private static async Task<string> CookieHeaderAsync(BrowserClient browser)
    {
        var echo = await browser.Http.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        return string.Join("; ", echo.RequestMessage!.Headers.TryGetValues("Cookie", out var values) ? values : []);
    }
}
