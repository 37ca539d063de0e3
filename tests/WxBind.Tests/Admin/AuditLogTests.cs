using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Admin;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary>The audit of administrators' actions: recorded with the change it describes, shown on /admin/audit.</summary>
public sealed class AuditLogTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task EntryCommitsWithTheCallersTransaction(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var audit = app.Services.GetRequiredService<AuditLog>();
        var database = app.Services.GetRequiredService<Database>();
        var subject = Guid.NewGuid().ToString("N");

        var (connection, transaction) = await database.BeginAsync();
        await using (connection)
        await using (transaction)
        {
            await audit.RecordAsync(connection, transaction, new AuditActor("u1", "ops@example.com"), "order.status", subject, "paid → shipped");
            await transaction.CommitAsync();
        }

        await using var read = await database.OpenAsync();
        var row = await read.QuerySingleAsync<(string Actor, string Action, string Detail, long At)>(
            "SELECT actor, action, detail, at FROM admin_audit WHERE subject = @subject", new { subject });
        Assert.Equal(("ops@example.com", "order.status", "paid → shipped"), (row.Actor, row.Action, row.Detail));
        Assert.Equal(app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), row.At);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task EntryIsDroppedWhenTheCallersTransactionRollsBack(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var audit = app.Services.GetRequiredService<AuditLog>();
        var database = app.Services.GetRequiredService<Database>();
        var subject = Guid.NewGuid().ToString("N");

        var (connection, transaction) = await database.BeginAsync();
        await using (connection)
        await using (transaction)
        {
            await audit.RecordAsync(connection, transaction, new AuditActor("u1", "ops@example.com"), "event.edit", subject, null);
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit WHERE subject = @subject", new { subject }));
    }

    [Fact]
    public async Task AuditPageShowsTheGrantWithWhoAndWhom()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);

        var html = await admin.Browser.GetStringAsync("/admin/audit");

        Assert.Contains("admin.grant", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/admin/users/{admin.UserId}\">{admin.Email}</a>", html, StringComparison.Ordinal);
        Assert.Contains("command line (", html, StringComparison.Ordinal);
    }
}
