using System.Data.Common;
using Dapper;
using WxBind.Storage;

namespace WxBind.QrSessions;

/// <summary>
/// QR sessions in the database. Every state change is a compare-and-set on the current status,
/// so two instances (or a scan racing an expiry) can never both move the same session.
/// </summary>
internal sealed class QrSessionStore(Database database)
{
    private const string Columns =
        "id, purpose, status, scene_str, browser_hash, user_id, openid, ticket, qr_url, user_agent, message, created_at, updated_at, expires_at";

    public async Task InsertAsync(QrSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO qr_sessions ({Columns})
            VALUES (@Id, @Purpose, @Status, @SceneStr, @BrowserHash, @UserId, @OpenId, @Ticket, @QrUrl, @UserAgent, @Message, @CreatedAt, @UpdatedAt, @ExpiresAt)
            """, session, cancellationToken: cancellationToken));
    }

    public async Task<QrSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<QrSession>(new CommandDefinition(
            $"SELECT {Columns} FROM qr_sessions WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public static Task<QrSession?> GetBySceneAsync(DbConnection connection, DbTransaction? transaction, string sceneStr, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<QrSession>(new CommandDefinition(
            $"SELECT {Columns} FROM qr_sessions WHERE scene_str = @sceneStr", new { sceneStr }, transaction, cancellationToken: cancellationToken));

    /// <summary>Moves the session from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer there.</summary>
    public static async Task<bool> TransitionAsync(
        DbConnection connection, DbTransaction? transaction, string id, string from, string to, DateTimeOffset now,
        string? openId = null, string? message = null, CancellationToken cancellationToken = default) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE qr_sessions
            SET status = @to, updated_at = @now, openid = COALESCE(@openId, openid), message = COALESCE(@message, message)
            WHERE id = @id AND status = @from
            """,
            new { id, from, to, now, openId, message }, transaction, cancellationToken: cancellationToken)) == 1;

    public async Task<bool> TransitionAsync(string id, string from, string to, DateTimeOffset now, string? message = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await TransitionAsync(connection, null, id, from, to, now, message: message, cancellationToken: cancellationToken);
    }

    /// <summary>Marks every overdue non-final session expired and returns their ids (to notify waiting pages).</summary>
    public async Task<IReadOnlyList<string>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            """
            UPDATE qr_sessions SET status = 'expired', updated_at = @now
            WHERE expires_at <= @now AND status IN ('pending', 'scanned', 'awaiting_confirmation', 'needs_account')
            RETURNING id
            """, new { now }, cancellationToken: cancellationToken));
        return ids.ToList();
    }

    /// <summary>Removes sessions that ended long ago; their scenes can no longer be scanned anyway.</summary>
    public async Task<int> DeleteEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM qr_sessions WHERE expires_at < @before AND status IN ('completed', 'conflict', 'expired', 'cancelled')",
            new { before }, cancellationToken: cancellationToken));
    }
}
