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
        "id, purpose, status, scene_str, browser_hash, user_id, openid, ticket, qr_url, user_agent, creator_ip, message, confirm_hash, exchanged_at, created_at, updated_at, expires_at";

    public async Task InsertAsync(QrSession session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO qr_sessions ({Columns})
            VALUES (@Id, @Purpose, @Status, @SceneStr, @BrowserHash, @UserId, @OpenId, @Ticket, @QrUrl, @UserAgent, @CreatorIp, @Message, @ConfirmHash, @ExchangedAt, @CreatedAt, @UpdatedAt, @ExpiresAt)
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
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await TransitionAsync(connection, null, id, from, to, now, message: message, cancellationToken: cancellationToken);
    }

    /// <summary>A login scan: records who scanned and, when confirmation is on, the confirm token's hash.</summary>
    public async Task<bool> RecordLoginScanAsync(string id, string to, string? userId, string openId, string? confirmHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE qr_sessions SET status = @to, user_id = @userId, openid = @openId, confirm_hash = @confirmHash, updated_at = @now
            WHERE id = @id AND status = 'pending' AND expires_at > @now
            """, new { id, to, userId, openId, confirmHash, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Uses the phone's link once (confirm a login, or agree to a binding): only with the right
    /// token, only while the session still waits for that answer.
    /// </summary>
    public async Task<bool> AnswerOnPhoneAsync(string id, string from, string confirmHash, string to, string? message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE qr_sessions SET status = @to, confirm_hash = NULL, message = @message, updated_at = @now
            WHERE id = @id AND status = @from AND confirm_hash = @confirmHash AND expires_at > @now
            """, new { id, from, confirmHash, to, message, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// bind-complete takes a session waiting for an account for one login or registration at a
    /// time. A claim older than <paramref name="staleBefore"/> (its request died) can be taken over.
    /// </summary>
    public async Task<bool> ClaimAsync(string id, string claimId, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE qr_sessions SET claim_id = @claimId, claimed_at = @now
            WHERE id = @id AND status = 'needs_account' AND expires_at > @now AND (claim_id IS NULL OR claimed_at < @staleBefore)
            """, new { id, claimId, now, staleBefore }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives a claim back (a wrong password, a refused registration) so the person can try again.</summary>
    public async Task ReleaseClaimAsync(string id, string claimId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE qr_sessions SET claim_id = NULL, claimed_at = NULL WHERE id = @id AND claim_id = @claimId",
            new { id, claimId }, cancellationToken: cancellationToken));
    }

    /// <summary>Completes a claimed session inside the binding's transaction; false when the claim was lost.</summary>
    public static async Task<bool> CompleteClaimedAsync(DbConnection connection, DbTransaction transaction, string id, string claimId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE qr_sessions SET status = 'completed', exchanged_at = @now, updated_at = @now
            WHERE id = @id AND status = 'needs_account' AND claim_id = @claimId AND expires_at > @now
            """, new { id, claimId, now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>The one exchange of a completed login for a cookie; false for a second attempt.</summary>
    public async Task<bool> MarkExchangedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await MarkExchangedAsync(connection, null, id, now, cancellationToken);
    }

    public static async Task<bool> MarkExchangedAsync(DbConnection connection, DbTransaction? transaction, string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE qr_sessions SET exchanged_at = @now, updated_at = @now WHERE id = @id AND status = 'completed' AND exchanged_at IS NULL",
            new { id, now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Marks every overdue non-final session expired and returns their ids (to notify waiting pages).</summary>
    public async Task<IReadOnlyList<string>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            """
            UPDATE qr_sessions SET status = 'expired', updated_at = @now
            WHERE expires_at <= @now AND status IN ('pending', 'scanned', 'awaiting_confirmation', 'awaiting_agreement', 'needs_account')
            RETURNING id
            """, new { now }, cancellationToken: cancellationToken));
        return ids.ToList();
    }

    /// <summary>Removes sessions that ended long ago; their scenes can no longer be scanned anyway.</summary>
    public async Task<int> DeleteEndedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM qr_sessions WHERE expires_at < @before AND status IN ('completed', 'conflict', 'expired', 'cancelled')",
            new { before }, cancellationToken: cancellationToken));
    }
}
