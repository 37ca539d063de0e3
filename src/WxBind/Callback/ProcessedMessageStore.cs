using System.Data.Common;
using Dapper;
using WxBind.Storage;

namespace WxBind.Callback;

/// <summary>
/// The durable level of duplicate and replay protection: <c>callback_deliveries</c> holds each
/// accepted signed query with its body's hash, <c>processed_messages</c> each handled push with
/// its reply. WeChat re-delivers a push when the reply took over 5 s; a later delivery gets the
/// stored reply, and a signed query that comes back with another body is refused.
/// </summary>
internal sealed class ProcessedMessageStore(Database database, TimeProvider time)
{
    /// <summary>
    /// Claims a push before it is handled (PostgreSQL: the database decides between instances),
    /// or reports what became of an earlier delivery of it.
    /// </summary>
    public async Task<DedupClaim> TryClaimAsync(PushRecord push, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        if (!await InsertDeliveryAsync(connection, transaction, push, cancellationToken))
        {
            var bodyHash = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT body_hash FROM callback_deliveries WHERE query_key = @QueryKey", push, transaction, cancellationToken: cancellationToken));
            if (!string.Equals(bodyHash, push.BodyHash, StringComparison.Ordinal))
            {
                return DedupClaim.Refused;
            }
        }
        if (await ClaimMessageAsync(connection, transaction, push, cancellationToken))
        {
            await transaction.CommitAsync(cancellationToken);
            return DedupClaim.Claimed;
        }
        var claim = await FindMessageAsync(connection, transaction, push.DedupKey, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claim ?? DedupClaim.InProgress;
    }

    /// <summary>
    /// What the database knows of a push without claiming it: null when it holds no record of
    /// either its signed query or its dedup key.
    /// </summary>
    public async Task<DedupClaim?> FindAsync(PushRecord push, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var bodyHash = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT body_hash FROM callback_deliveries WHERE query_key = @QueryKey", push, cancellationToken: cancellationToken));
        if (bodyHash is not null && !string.Equals(bodyHash, push.BodyHash, StringComparison.Ordinal))
        {
            return DedupClaim.Refused;
        }
        return await FindMessageAsync(connection, null, push.DedupKey, cancellationToken);
    }

    /// <summary>
    /// The push's records, written inside a handler's write (see <see cref="WriteEnlistment"/>):
    /// they commit exactly when the handler's state change does. Idempotent.
    /// </summary>
    public async Task RecordAsync(DbConnection connection, DbTransaction? transaction, PushRecord push, CancellationToken cancellationToken)
    {
        await InsertDeliveryAsync(connection, transaction, push, cancellationToken);
        await ClaimMessageAsync(connection, transaction, push, cancellationToken);
    }

    /// <summary>
    /// Records the reply (null: acknowledged without one) for later deliveries of the same push,
    /// in a group commit: when it returns, the reply and every write committed before it are on disk.
    /// </summary>
    public Task CompleteAsync(string dedupKey, string? replyXml, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return database.WriteAsync((unit, token) => unit.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE processed_messages SET completed_at = @now, reply_xml = @replyXml WHERE dedup_key = @dedupKey",
            new { dedupKey, replyXml, now }, unit.Transaction, cancellationToken: token)), cancellationToken);
    }

    /// <summary>
    /// Gives the push back after a failed handling, so WeChat's retry is handled afresh. Its signed
    /// query stays recorded with its body: the retry must carry the same one.
    /// </summary>
    public async Task ReleaseAsync(string dedupKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM processed_messages WHERE dedup_key = @dedupKey AND completed_at IS NULL",
            new { dedupKey }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes records no delivery can match any more; returns how many pushes were forgotten.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM callback_deliveries WHERE expires_at < @now", new { now }, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM processed_messages WHERE expires_at < @now", new { now }, cancellationToken: cancellationToken));
    }

    private static async Task<bool> InsertDeliveryAsync(DbConnection connection, DbTransaction? transaction, PushRecord push, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO callback_deliveries (query_key, body_hash, dedup_key, expires_at) VALUES (@QueryKey, @BodyHash, @DedupKey, @ExpiresAt)
            ON CONFLICT (query_key) DO NOTHING
            """, push, transaction, cancellationToken: cancellationToken)) > 0;

    private async Task<bool> ClaimMessageAsync(DbConnection connection, DbTransaction? transaction, PushRecord push, CancellationToken cancellationToken)
    {
        // Unix ms as plain longs: Dapper's built-in DateTimeOffset mapping would otherwise win over
        // the Storage type handler for parameters, and SQLite would compare text with integers.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // One statement claims the key: a new row, or an expired row (not swept yet), which
        // belongs to an earlier, unrelated push.
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO processed_messages (dedup_key, received_at, expires_at) VALUES (@DedupKey, @now, @ExpiresAt)
            ON CONFLICT (dedup_key) DO UPDATE SET received_at = excluded.received_at, expires_at = excluded.expires_at, completed_at = NULL, reply_xml = NULL
            WHERE processed_messages.expires_at < @now
            """,
            new { push.DedupKey, push.ExpiresAt, now }, transaction, cancellationToken: cancellationToken)) > 0;
    }

    private async Task<DedupClaim?> FindMessageAsync(DbConnection connection, DbTransaction? transaction, string dedupKey, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ProcessedRow>(new CommandDefinition(
            "SELECT completed_at, reply_xml FROM processed_messages WHERE dedup_key = @dedupKey AND expires_at >= @now",
            new { dedupKey, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : row.CompletedAt is null ? DedupClaim.InProgress : new DedupClaim(DedupOutcome.Completed, row.ReplyXml);
    }

    private sealed class ProcessedRow
    {
        public DateTimeOffset? CompletedAt { get; set; }
        public string? ReplyXml { get; set; }
    }
}

/// <summary>One delivery as stored: its signed query, its body's hash, its dedup key, and until when it matters (Unix ms).</summary>
internal sealed record PushRecord(string QueryKey, string BodyHash, string DedupKey, long ExpiresAt);

internal enum DedupOutcome
{
    /// <summary>This delivery is the first: handle it.</summary>
    Claimed,

    /// <summary>An earlier delivery is still being handled.</summary>
    InProgress,

    /// <summary>An earlier delivery was handled; <see cref="DedupClaim.ReplyXml"/> is its reply.</summary>
    Completed,

    /// <summary>The signed query was accepted before with another body.</summary>
    Refused,
}

internal sealed record DedupClaim(DedupOutcome Outcome, string? ReplyXml = null)
{
    public static DedupClaim Claimed { get; } = new(DedupOutcome.Claimed);

    public static DedupClaim InProgress { get; } = new(DedupOutcome.InProgress);

    public static DedupClaim Refused { get; } = new(DedupOutcome.Refused);
}
