using Dapper;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary>The admin role, kept on the account (<c>users.is_admin</c>).</summary>
internal sealed class AdminStore(Database database, AuditLog audit)
{
    public async Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT is_admin FROM users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken)) ?? false;
    }

    /// <summary>Grants or revokes the role and records it in the audit, together; false when it was already so.</summary>
    public async Task<bool> SetAdminAsync(User user, bool isAdmin, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET is_admin = @isAdmin WHERE id = @id AND is_admin <> @isAdmin",
            new { id = user.Id, isAdmin }, transaction, cancellationToken: cancellationToken)) == 1;
        if (changed)
        {
            await audit.RecordAsync(connection, transaction, actor, isAdmin ? AuditAction.AdminGrant : AuditAction.AdminRevoke, user.Id, user.Email, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return changed;
    }
}
