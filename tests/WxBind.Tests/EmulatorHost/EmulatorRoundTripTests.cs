using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.EmulatorHost;

/// <summary>The app and its mounted emulator, configured from the same Wechat:* settings, talking for real.</summary>
public sealed class EmulatorRoundTripTests
{
    public static TheoryData<string> Modes => ["Plain", "Compatible", "Safe"];

    [Theory, MemberData(nameof(Modes))]
    public async Task FollowAndTextRoundTripThroughTheCallbackInEveryMode(string mode)
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["Wechat:MessageMode"] = mode });
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();

        var follow = await sim.FollowAsync(openId);
        var text = await sim.TextAsync(openId, "你好");

        Assert.Contains("欢迎关注", SimClient.ReplyText(follow), StringComparison.Ordinal);
        Assert.Equal("replied", text.GetProperty("outcome").GetString());
        Assert.Contains("绑定", SimClient.ReplyText(text), StringComparison.Ordinal);
        var deliveries = await app.CreateClient().GetFromJsonAsync<JsonElement>("/emulator/_sim/deliveries");
        Assert.All(deliveries.EnumerateArray(), d => Assert.Equal(mode, d.GetProperty("mode").GetString()));
    }

    [Fact]
    public async Task OverridingTheWechatSettingsKeepsBothSidesInAgreement()
    {
        // As environment variables would: every secret differs from appsettings.Development.json.
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Wechat:AppId"] = "wx0123456789abcdef",
            ["Wechat:AppSecret"] = "another-secret-0123456789abcdef",
            ["Wechat:Token"] = "OverriddenToken42",
            ["Wechat:EncodingAESKey"] = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut",
            ["Wechat:MessageMode"] = "Safe",
        });
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();

        var follow = await sim.FollowAsync(openId);

        Assert.Equal("replied", follow.GetProperty("outcome").GetString());
        // The app's API calls authenticate against the emulator with the overridden credentials too.
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync($"o{Guid.NewGuid():N}@example.com");
        var session = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" });
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
    }

    [Fact]
    public async Task ForcedInvalidTokenIsRecoveredWithOneRefresh()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, AppFixture.SharedSettings);
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync($"t{Guid.NewGuid():N}@example.com");
        Assert.Equal(HttpStatusCode.Created, (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).StatusCode);
        using var control = app.CreateClient();
        (await control.PostAsJsonAsync("/emulator/_sim/faults", new { forceInvalidToken = true })).EnsureSuccessStatusCode();

        // The next API call meets 40001 once; the client drops that token, fetches one, and retries.
        var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task QrSessionCreationIsRateLimited()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["WxBind:QrSessions:CreatePermitsPerMinute"] = "2",
        });
        using var browser = BrowserClient.Create(app);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiDocumentDescribesTheJsonApi()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite);
        var document = await app.CreateClient().GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/qr-sessions", document, StringComparison.Ordinal);
        Assert.Contains("/api/account/wechat-binding", document, StringComparison.Ordinal);
        Assert.DoesNotContain("/_sim/", document, StringComparison.Ordinal);
    }
}
