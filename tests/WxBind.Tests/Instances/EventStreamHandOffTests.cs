using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Instances;

/// <summary>
/// An instance that is asked to stop (a rolling restart) ends its live pages' event streams cleanly,
/// so they reconnect to another instance through the balancer instead of holding this one until
/// it is killed. On a real socket, as behind nginx.
/// </summary>
public sealed class EventStreamHandOffTests
{
    [Fact]
    public async Task StoppingInstanceEndsItsOpenEventStreamsCleanly()
    {
        await using var app = await WxBindFactory.StartKestrelAsync(StorageProvider.Sqlite);
        using var browser = SocketBrowser(app);
        var id = await NewQrSessionAsync(browser);
        using var stream = await OpenEventsAsync(browser, id);
        Assert.Contains("pending", await NextDataAsync(stream), StringComparison.Ordinal);

        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // The stream ends with a proper end of the response (a cut one would throw here); the
        // bound is for a stream that never ends, not a speed claim.
        Assert.DoesNotContain("data:", await stream.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
    }

    /// <summary>A browser on the app's real socket (not the in-memory test server).</summary>
    private static BrowserClient SocketBrowser(WxBindFactory app) =>
        new(app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = app.RootUri, AllowAutoRedirect = false, HandleCookies = true }));

    private static async Task<string> NewQrSessionAsync(BrowserClient browser)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<StreamReader> OpenEventsAsync(BrowserClient browser, string id)
    {
        var response = await browser.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/qr-sessions/{id}/events"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync());
    }

    private static async Task<string> NextDataAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line;
            }
        }
        throw new InvalidOperationException("The event stream ended before its first event.");
    }
}
