using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary><c>admin grant</c> / <c>admin revoke</c> through the command-line entry point, on both providers.</summary>
public sealed class AdminCommandTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static Task<bool> IsAdminAsync(WxBindFactory app, string userId) =>
        AdminTestKit.ScalarAsync<bool>(app, "SELECT is_admin FROM users WHERE id = @userId", new { userId });

    [Theory, MemberData(nameof(Providers))]
    public async Task GrantMakesAccountAdministratorAndIsAudited(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await AdminTestKit.RegisterAsync(app);

        var (exit, output, _) = await AdminTestKit.RunCommandAsync(app, "admin", "grant", account.Email.ToUpperInvariant());

        Assert.Equal(0, exit);
        Assert.Equal($"{account.Email} is now an administrator.", output.Trim());
        Assert.True(await IsAdminAsync(app, account.UserId));
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM admin_audit WHERE action = 'admin.grant' AND subject = @id AND actor LIKE 'command line%'", new { id = account.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RevokeTakesTheRoleAway(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await AdminTestKit.AdminAsync(app);

        var (exit, output, _) = await AdminTestKit.RunCommandAsync(app, "admin", "revoke", account.Email);

        Assert.Equal(0, exit);
        Assert.Equal($"{account.Email} is no longer an administrator.", output.Trim());
        Assert.False(await IsAdminAsync(app, account.UserId));
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM admin_audit WHERE action = 'admin.revoke' AND subject = @id", new { id = account.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task GrantingTwiceSaysSoAndAuditsOnce(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await AdminTestKit.AdminAsync(app);

        var (exit, output, _) = await AdminTestKit.RunCommandAsync(app, "admin", "grant", account.Email);

        Assert.Equal(0, exit);
        Assert.Contains("already", output, StringComparison.Ordinal);
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit WHERE subject = @id", new { id = account.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnknownEmailFailsWithClearMessageAndChangesNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var audited = await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit");

        var (exit, output, error) = await AdminTestKit.RunCommandAsync(app, "admin", "grant", "nobody-here@example.com");

        Assert.NotEqual(0, exit);
        Assert.Equal("", output);
        Assert.Contains("No account has the e-mail nobody-here@example.com", error, StringComparison.Ordinal);
        Assert.Equal(audited, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit"));
    }

    [Fact]
    public async Task UnknownCommandListsTheKnownOnes()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);

        var (exit, _, error) = await AdminTestKit.RunCommandAsync(app, "admin", "promote", "x@example.com");

        Assert.Equal(2, exit);
        Assert.Contains("admin grant <email>", error, StringComparison.Ordinal);
        Assert.Contains("admin revoke <email>", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingEmailIsUsageError()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);

        var (exit, _, error) = await AdminTestKit.RunCommandAsync(app, "admin", "grant");

        Assert.Equal(2, exit);
        Assert.Contains("Usage: admin grant <email>", error, StringComparison.Ordinal);
    }
}
