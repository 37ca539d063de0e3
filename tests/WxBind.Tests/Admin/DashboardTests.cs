using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Admin;

/// <summary>/admin: counts, the QR funnel and the binds chart follow what happened; delivery failures are listed.</summary>
public sealed partial class DashboardTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static readonly Dictionary<string, string?> Settings = new(AppFixture.SharedSettings)
    {
        ["WxBind:QrSessions:CreatePermitsPerMinute"] = "1000",
    };

    private static async Task<string> CreateBindSessionAsync(BrowserClient browser)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("qrUrl").GetString()!;
    }

    private static string Figure(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{testId}\">([^<]*)<");
        Assert.True(match.Success, $"{testId} is not on the page");
        return match.Groups[1].Value;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FunnelAndCountsMatchAScriptedScenario(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, Settings);
        var sim = SimClient.For(app);
        var admin = await AdminTestKit.AdminAsync(app);

        // One code left to expire.
        var expiring = await AdminTestKit.RegisterAsync(app);
        await CreateBindSessionAsync(expiring.Browser);
        app.Clock.Advance(TimeSpan.FromSeconds(301));

        // Three scanned and completed.
        var openIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var account = await AdminTestKit.RegisterAsync(app, $"用户{i}");
            var openId = await sim.NewUserAsync();
            openIds.Add(openId);
            await sim.ScanAsync(openId, await CreateBindSessionAsync(account.Browser));
        }
        // One conflict: an openid that is already bound scans another account's code.
        var other = await AdminTestKit.RegisterAsync(app);
        var conflict = await sim.ScanAsync(openIds[0], await CreateBindSessionAsync(other.Browser));
        Assert.DoesNotContain("绑定成功", SimClient.ReplyText(conflict) ?? "", StringComparison.Ordinal);
        // Two still waiting for a scan.
        await CreateBindSessionAsync(other.Browser);
        await CreateBindSessionAsync(other.Browser);

        var html = await admin.Browser.GetStringAsync("/admin");

        Assert.Equal("7", Figure(html, "funnel-bind-created"));
        Assert.Equal("4", Figure(html, "funnel-bind-scanned"));
        Assert.Equal("3", Figure(html, "funnel-bind-completed"));
        Assert.Equal("1", Figure(html, "funnel-bind-conflicts"));
        Assert.Equal("1", Figure(html, "funnel-bind-expired"));
        Assert.Equal("0", Figure(html, "funnel-bind-cancelled"));
        Assert.Equal("6", Figure(html, "count-users"));
        Assert.Equal("3", Figure(html, "count-bindings"));
        Assert.Equal("3", Figure(html, "count-followers"));
        Assert.Equal("3", Figure(html, "bound-today"));
        Assert.Equal("3", Figure(html, "bound-30"));
        Assert.Contains("data-testid=\"chart-binds\"", html, StringComparison.Ordinal);
        Assert.Contains($": 绑定 3, 解绑 0</title>", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BindingsOlderThanThirtyDaysLeaveTheRecentFigures(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, Settings);
        var sim = SimClient.For(app);
        var admin = await AdminTestKit.AdminAsync(app);
        var account = await AdminTestKit.RegisterAsync(app);
        await sim.ScanAsync(await sim.NewUserAsync(), await CreateBindSessionAsync(account.Browser));

        app.Clock.Advance(TimeSpan.FromDays(31));
        using var browser = BrowserClient.Create(app); // the old login cookie has expired by now
        await browser.LoginAsync(admin.Email);
        var html = await browser.GetStringAsync("/admin");

        Assert.Equal("1", Figure(html, "count-bindings"));
        Assert.Equal("0", Figure(html, "bound-30"));
        Assert.DoesNotContain("data-testid=\"funnel-bind\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedSendIsListedAmongDeliveryFailures()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, Settings);
        var admin = await AdminTestKit.AdminAsync(app);
        var openId = await SimClient.For(app).NewUserAsync();
        using (var scope = app.Services.CreateScope())
        {
            await Assert.ThrowsAsync<WechatApiException>(() => scope.ServiceProvider.GetRequiredService<WechatApiClient>().SendCustomTextAsync(openId, "hi"));
        }

        var html = await admin.Browser.GetStringAsync("/admin");

        Assert.Contains("data-testid=\"failure-row\"", html, StringComparison.Ordinal);
        Assert.Contains("<code>45015</code>", html, StringComparison.Ordinal);
        Assert.Contains(openId[..4] + "****" + openId[^4..], html, StringComparison.Ordinal);
    }
}
