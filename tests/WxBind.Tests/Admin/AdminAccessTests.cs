using System.Net;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary>Who may open the console: anonymous users log in first, others get 403, administrators get in.</summary>
public sealed class AdminAccessTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    public static TheoryData<string> Pages => new() { "/admin", "/admin/users", "/admin/ledger", "/admin/audit", "/admin/users/no-such-user-but-forbidden-first" };

    [Theory, MemberData(nameof(Pages))]
    public async Task AnonymousVisitorIsSentToLogin(string page)
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);

        var response = await browser.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task SignedInNonAdministratorGetsForbiddenPage(string page)
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var account = await AdminTestKit.RegisterAsync(app);

        var response = await account.Browser.GetAsync(page);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("没有权限访问此页面", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Pages))]
    public async Task AdministratorOpensEveryPage(string page)
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);
        page = page.Replace("no-such-user-but-forbidden-first", admin.UserId, StringComparison.Ordinal);

        var response = await admin.Browser.GetAsync(page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"admin-nav\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RevokedAdministratorIsRefusedAtOnce(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.GetAsync("/admin")).StatusCode);

        Assert.Equal(0, (await AdminTestKit.RunCommandAsync(app, "admin", "revoke", admin.Email)).Exit);

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Browser.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task AdministratorSeesConsoleLinkAfterSigningIn()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var account = await AdminTestKit.RegisterAsync(app);
        Assert.DoesNotContain("nav-admin", await account.Browser.GetStringAsync("/account"), StringComparison.Ordinal);
        await AdminTestKit.RunCommandAsync(app, "admin", "grant", account.Email);

        using var browser = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(account.Email)).StatusCode);

        Assert.Contains("data-testid=\"nav-admin\"", await browser.GetStringAsync("/account"), StringComparison.Ordinal);
    }
}
