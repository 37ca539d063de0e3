using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Realtime;

/// <summary>Two instances on one PostgreSQL database: a change on one wakes the pages waiting on the other.</summary>
public sealed class PostgresNotifierTests
{
    [PostgresFact]
    public async Task ChangePublishedOnOneInstanceWakesSubscribersOnAnother()
    {
        await using var first = await WxBindFactory.CreateAsync(StorageProvider.Postgres, AppFixture.SharedSettings);
        await using var second = WxBindFactory.SharingDatabaseOf(first, AppFixture.SharedSettings);
        var listener = first.Services.GetRequiredService<IQrSessionNotifier>();
        var publisher = second.Services.GetRequiredService<IQrSessionNotifier>();
        Assert.IsType<PostgresQrSessionNotifier>(listener);
        await ((PostgresQrSessionNotifier)listener).Listening.WaitAsync(TimeSpan.FromSeconds(30));
        using var subscription = listener.Subscribe("session-42");

        await publisher.PublishAsync("session-42");

        // Completes only when the NOTIFY arrives; the bound is for a broken build, not a speed claim.
        Assert.True(await subscription.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [PostgresFact]
    public async Task ScanHandledByAnotherInstanceReachesTheWaitingPage()
    {
        var settings = new Dictionary<string, string?>(AppFixture.SharedSettings) { ["Wechat:MessageMode"] = "Plain" };
        await using var web = await WxBindFactory.CreateAsync(StorageProvider.Postgres, settings);
        await using var wechatSide = WxBindFactory.SharingDatabaseOf(web, settings);
        await ((PostgresQrSessionNotifier)web.Services.GetRequiredService<IQrSessionNotifier>()).Listening.WaitAsync(TimeSpan.FromSeconds(30));
        using var browser = BrowserClient.Create(web);
        await browser.RegisterAsync($"p{Guid.NewGuid():N}@example.com");
        var created = await (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        using var events = await browser.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/qr-sessions/{id}/events"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
        Assert.Contains("pending", await NextDataAsync(reader), StringComparison.Ordinal);

        // The scan arrives at the other instance, as a load balancer may send it.
        await using (var connection = await web.Services.GetRequiredService<Database>().OpenAsync())
        {
            var scene = await connection.ExecuteScalarAsync<string>("SELECT scene_str FROM qr_sessions WHERE id = @id", new { id });
            var response = await PlainPushAsync(wechatSide, scene!);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Contains("completed", await NextDataAsync(reader), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PlainPushAsync(WxBindFactory app, string scene)
    {
        var timestamp = app.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = WxBind.Wechat.WechatSignature.Compute("wxbindDevToken2026", timestamp, "7");
        var xml = $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[oOtherInstance00000000000001]]></FromUserName>" +
                  $"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{scene}]]></EventKey></xml>";
        return await app.CreateClient().PostAsync($"/wechat/callback?signature={signature}&timestamp={timestamp}&nonce=7",
            new StringContent(xml, System.Text.Encoding.UTF8, "text/xml"));
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
        throw new InvalidOperationException("The event stream ended.");
    }
}
