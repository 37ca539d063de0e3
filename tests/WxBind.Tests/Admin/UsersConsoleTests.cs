using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary>/admin/users: search by each field; the user page; unbinding with a reason.</summary>
public sealed class UsersConsoleTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    /// <summary>A new account bound by a scan; returns it and its openid.</summary>
    internal static async Task<(AdminTestKit.Account Account, string OpenId)> BoundAccountAsync(WxBindFactory app, string displayName)
    {
        var account = await AdminTestKit.RegisterAsync(app, displayName);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var session = await (await account.Browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("绑定成功", SimClient.ReplyText(await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!)), StringComparison.Ordinal);
        return (account, openId);
    }

    private static async Task<IReadOnlyList<string>> FoundEmailsAsync(BrowserClient admin, string query)
    {
        var html = await admin.GetStringAsync($"/admin/users?q={Uri.EscapeDataString(query)}");
        return Regex.Matches(html, "data-testid=\"user-link\">([^<]+)<").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SearchFindsByEmailDisplayNameAndOpenIdPrefix(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (target, openId) = await BoundAccountAsync(app, $"王小明{unique}");
        await AdminTestKit.RegisterAsync(app, "someone else");

        Assert.Equal([target.Email], await FoundEmailsAsync(admin.Browser, target.Email[..12].ToUpperInvariant()));
        Assert.Equal([target.Email], await FoundEmailsAsync(admin.Browser, $"小明{unique}"));
        Assert.Equal([target.Email], await FoundEmailsAsync(admin.Browser, openId[..^2]));
        Assert.Empty(await FoundEmailsAsync(admin.Browser, openId[2..])); // a prefix, not anywhere inside
        Assert.Empty(await FoundEmailsAsync(admin.Browser, "%"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UserPageShowsAccountBindingAndLedger(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, openId) = await BoundAccountAsync(app, "李雷");

        var html = await admin.Browser.GetStringAsync($"/admin/users/{target.UserId}");

        Assert.Contains("data-testid=\"user-name\">李雷<", html, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"binding-openid\">{openId[..4]}****{openId[^4..]}<", html, StringComparison.Ordinal);
        Assert.DoesNotContain(openId, html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"binding-follow\">已关注<", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "data-testid=\"ledger-row\""));
    }

    [Fact]
    public async Task UnknownUserPageIsNotFound()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.Browser.GetAsync("/admin/users/nobody")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnbindWithReasonAsksToConfirmThenWritesLedgerAuditAndTellsWechat(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, openId) = await BoundAccountAsync(app, "韩梅梅");
        var page = $"/admin/users/{target.UserId}";

        var ask = await admin.Browser.SubmitFormAsync(page, new Dictionary<string, string> { ["Reason"] = "用户来电要求解绑" }, $"{page}?handler=Unbind");
        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.Contains("data-testid=\"unbind-confirm\"", await ask.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = target.UserId }));

        var done = await admin.Browser.SubmitFormAsync(page, new Dictionary<string, string> { ["Reason"] = "用户来电要求解绑", ["Confirmed"] = "true" }, $"{page}?handler=Unbind");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);

        Assert.Equal(0, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = target.UserId }));
        Assert.Equal("admin: 用户来电要求解绑", await AdminTestKit.ScalarAsync<string>(app,
            "SELECT detail FROM binding_ledger WHERE user_id = @u AND action = 'unbound'", new { u = target.UserId }));
        Assert.Equal(admin.Email, await AdminTestKit.ScalarAsync<string>(app,
            "SELECT actor FROM admin_audit WHERE action = 'binding.unbind' AND subject = @u AND detail LIKE '%用户来电要求解绑'", new { u = target.UserId }));
        var received = await SimClient.For(app).ReceivedTextsAsync(openId);
        Assert.Contains(received, t => t.Contains("管理员解除", StringComparison.Ordinal));
        Assert.Equal("sent", await AdminTestKit.ScalarAsync<string>(app,
            "SELECT outcome FROM wechat_deliveries WHERE openid = @openId AND purpose = 'admin_unbind'", new { openId }));
        var after = await admin.Browser.GetStringAsync(page);
        Assert.Contains("data-testid=\"not-bound\"", after, StringComparison.Ordinal);
        Assert.Contains("已解除绑定", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnbindWithoutReasonIsRefusedAndChangesNothing()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, _) = await BoundAccountAsync(app, "Lily");
        var page = $"/admin/users/{target.UserId}";

        var response = await admin.Browser.SubmitFormAsync(page, new Dictionary<string, string> { ["Reason"] = " ", ["Confirmed"] = "true" }, $"{page}?handler=Unbind");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("请填写解绑原因", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE user_id = @u", new { u = target.UserId }));
        Assert.Equal(0, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit WHERE subject = @u AND action = 'binding.unbind'", new { u = target.UserId }));
    }
}

/// <summary>/admin/ledger: filters and the CSV export.</summary>
public sealed class LedgerConsoleTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task CsvHasHeaderAndOneRowPerLedgerEntryWithChineseIntact(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, openId) = await UsersConsoleTests.BoundAccountAsync(app, "张三丰");
        await SimClient.For(app).UnfollowAsync(openId);
        var entries = await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM binding_ledger WHERE user_id = @u", new { u = target.UserId });
        Assert.Equal(2, entries);

        var response = await admin.Browser.GetAsync($"/admin/ledger?user={Uri.EscapeDataString(target.Email)}&handler=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal("id,time,action,user_id,email,display_name,openid,detail", lines[0]);
        Assert.Equal(entries + 1, lines.Count);
        Assert.All(lines.Skip(1), l => Assert.Contains(",\"张三丰\",", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"bound\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"unsubscribed\",", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FiltersByActionUserAndDates(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var (target, openId) = await UsersConsoleTests.BoundAccountAsync(app, "过滤");
        await SimClient.For(app).UnfollowAsync(openId);
        var today = app.Services.GetRequiredService<SiteClock>().Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var user = Uri.EscapeDataString(target.Email);

        static int Rows(string html) => Regex.Count(html, "data-testid=\"ledger-row\"");
        Assert.Equal(2, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}")));
        Assert.Equal(1, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&action=unsubscribed")));
        Assert.Equal(2, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&from={today}&to={today}")));
        Assert.Equal(0, Rows(await admin.Browser.GetStringAsync($"/admin/ledger?user={user}&to=2020-01-01")));
    }

    [Fact]
    public async Task BadFiltersAreExplained()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);

        Assert.Contains("没有这个邮箱的用户", await admin.Browser.GetStringAsync("/admin/ledger?user=nobody%40example.com"), StringComparison.Ordinal);
        Assert.Contains("开始日期不能晚于结束日期", await admin.Browser.GetStringAsync("/admin/ledger?from=2026-02-01&to=2026-01-01"), StringComparison.Ordinal);
        Assert.Contains("没有这种流水类型", await admin.Browser.GetStringAsync("/admin/ledger?action=deleted"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.Browser.GetAsync("/admin/ledger?action=deleted&handler=csv")).StatusCode);
    }
}
