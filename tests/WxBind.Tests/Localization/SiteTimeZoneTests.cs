using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxBind.Hosting;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Localization;

/// <summary>
/// One display time zone (<c>WxBind:TimeZone</c>) for every time the site shows, whatever the
/// server's own zone is (UTC here, as on a typical server: see <see cref="FakeClock"/>).
/// </summary>
public sealed class SiteTimeZoneTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task PagesCsvAndDayFiltersShowBeijingTimeOnAServerInUtc(StorageProvider provider)
    {
        await using var app = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?>(AppFixture.SharedSettings)
        {
            ["WxBind:TimeZone"] = "Asia/Shanghai",
        });
        // 2026-11-21 16:30 UTC is already 2026-11-22 00:30 in Beijing: the day differs too.
        app.Clock.Advance(new DateTimeOffset(2026, 11, 21, 16, 30, 0, TimeSpan.Zero) - app.Clock.GetUtcNow());
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, _) = await UsersConsoleTests.BoundAccountAsync(app, "北京");
        const string Beijing = "2026-11-22 00:30", Utc = "2026-11-21 16:30";

        var account = await target.Browser.GetStringAsync("/account");
        Assert.Contains($"data-testid=\"binding-time\">{Beijing}<", account, StringComparison.Ordinal);
        Assert.Contains($"<dd>{Beijing}</dd>", account, StringComparison.Ordinal); // member since
        Assert.DoesNotContain(Utc, account, StringComparison.Ordinal);

        var userPage = await admin.Browser.GetStringAsync($"/admin/users/{target.UserId}");
        Assert.Contains(Beijing, userPage, StringComparison.Ordinal);
        Assert.DoesNotContain(Utc, userPage, StringComparison.Ordinal);

        var user = Uri.EscapeDataString(target.Email);
        var csv = await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&handler=csv");
        var row = Assert.Single(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(",\"bound\",", StringComparison.Ordinal));
        Assert.Contains($",{Beijing}:00,", row, StringComparison.Ordinal);

        static int Rows(string html) => Regex.Count(html, "data-testid=\"ledger-row\"");
        Assert.Equal(1, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&from=2026-11-22&to=2026-11-22")));
        Assert.Equal(0, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&from=2026-11-21&to=2026-11-21")));

        // The dashboard's last day is Beijing's today, and the binding counts on it.
        var dashboard = await admin.Browser.GetStringAsync("/admin");
        Assert.Contains("<title>2026-11-22: 绑定 1,", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOlderEventsTimeZoneKeyStillSetsTheZone()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["Events:TimeZone"] = "Europe/Berlin" });

        var clock = app.Services.GetRequiredService<SiteClock>();

        Assert.Equal("2026-11-21 09:00", clock.Format(app.Clock.GetUtcNow())); // 08:00 UTC, CET
    }

    [Fact]
    public async Task BothKeysNamingDifferentZonesStopTheStartNamingBoth()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["WxBind:TimeZone"] = "Asia/Shanghai",
            ["Events:TimeZone"] = "Europe/Berlin",
        });

        var line = StartupErrors.Describe(Assert.ThrowsAny<Exception>(() => app.Services));

        Assert.NotNull(line);
        Assert.Contains("WxBind:TimeZone (Asia/Shanghai)", line, StringComparison.Ordinal);
        Assert.Contains("Events:TimeZone (Europe/Berlin)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WxBind:TimeZone")]
    [InlineData("Events:TimeZone")]
    public async Task AnUnknownZoneStopsTheStartNamingTheKey(string key)
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { [key] = "Mars/Olympus" });

        var line = StartupErrors.Describe(Assert.ThrowsAny<Exception>(() => app.Services));

        Assert.Equal($"Configuration error: {key} is \"Mars/Olympus\", which is not a time zone this server knows (e.g. Asia/Shanghai).", line);
    }

    [Fact]
    public void WechatTimesNameBeijingTimeOrTheOffsetOfAnotherZone()
    {
        var at = new DateTimeOffset(2026, 11, 21, 8, 0, 5, TimeSpan.Zero);

        Assert.Equal("2026-11-21 16:00:05（北京时间）", Clock("Asia/Shanghai").ForWechat(at));
        Assert.Equal("2026-11-21 09:00:05（UTC+01:00）", Clock("Europe/Berlin").ForWechat(at));
        Assert.Equal("2026-11-21 03:00:05（UTC-05:00）", Clock("America/New_York").ForWechat(at));
    }

    private static SiteClock Clock(string zone) => new(Options.Create(new WxBindOptions { TimeZone = zone }), new FakeClock());
}
