using Dapper;
using WxBind.Storage;

namespace WxBind.Binding;

/// <summary>
/// The <c>unbind_requests</c> table: a 解绑 in WeChat that waits for its 确认解绑. A request
/// counts only for <see cref="Lifetime"/>; taking it removes it, so one confirmation unbinds once.
/// </summary>
internal sealed class UnbindRequestStore(Database database, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task RequestAsync(string appId, string openId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Old requests go here too, so the table holds only the ones that could still be confirmed.
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM unbind_requests WHERE requested_at < @oldest", new { oldest = now - Lifetime }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO unbind_requests (app_id, open_id, requested_at) VALUES (@appId, @openId, @now)
            ON CONFLICT (app_id, open_id) DO UPDATE SET requested_at = excluded.requested_at
            """,
            new { appId, openId, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Removes the user's request; true when there was one young enough to confirm.</summary>
    public async Task<bool> TryTakeAsync(string appId, string openId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM unbind_requests WHERE app_id = @appId AND open_id = @openId AND requested_at >= @oldest",
            new { appId, openId, oldest = time.GetUtcNow() - Lifetime }, cancellationToken: cancellationToken));
        return taken > 0;
    }
}
