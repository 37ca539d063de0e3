using System.Data.Common;
using Dapper;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary>
/// The append-only record of administrators' actions (<c>admin_audit</c>): who, what, on whom,
/// when. Call it inside the transaction of the change it describes, so neither is kept without
/// the other; or on its own for an action with nothing else to store.
/// </summary>
internal sealed class AuditLog(Database database, TimeProvider time)
{
    public async Task RecordAsync(AuditActor actor, string action, string? subject, string? detail, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await RecordAsync(connection, null, actor, action, subject, detail, cancellationToken);
    }

    public Task RecordAsync(DbConnection connection, DbTransaction? transaction, AuditActor actor, string action, string? subject, string? detail, CancellationToken cancellationToken = default) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO admin_audit (actor_id, actor, action, subject, detail, at) VALUES (@actorId, @actor, @action, @subject, @detail, @at)",
            new { actorId = actor.UserId, actor = actor.Name, action, subject, detail, at = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
}
