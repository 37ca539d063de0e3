using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// The <c>processed_messages</c> table: WeChat re-delivers a push when the reply took over 5 s,
/// so the first delivery claims the push (the primary key decides between instances) and stores
/// its reply; later deliveries within <see cref="WechatOptions.DedupWindow"/> get that reply.
/// </summary>
internal sealed class ProcessedMessageStore(Database database, TimeProvider time, IOptions<WechatOptions> options)
{
    /// <summary>Claims <paramref name="dedupKey"/>, or reports what the earlier delivery did with it.</summary>
    public async Task<DedupClaim> TryClaimAsync(string dedupKey, CancellationToken cancellationToken)
    {
        // Unix ms as plain longs: Dapper's built-in DateTimeOffset mapping would otherwise win over
        // the Storage type handler for parameters, and SQLite would compare text with integers.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        // One statement claims the key: a new row, or a row older than the window (not swept yet),
        // which belongs to an earlier, unrelated push.
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO processed_messages (dedup_key, received_at) VALUES (@dedupKey, @now)
            ON CONFLICT (dedup_key) DO UPDATE SET received_at = excluded.received_at, completed_at = NULL, reply_xml = NULL
            WHERE processed_messages.received_at < @cutoff
            """,
            new { dedupKey, now, cutoff = now - (long)options.Value.DedupWindow.TotalMilliseconds }, cancellationToken: cancellationToken));
        if (inserted > 0)
        {
            return DedupClaim.Claimed;
        }

        var row = await connection.QuerySingleOrDefaultAsync<ProcessedRow>(new CommandDefinition(
            "SELECT completed_at, reply_xml FROM processed_messages WHERE dedup_key = @dedupKey",
            new { dedupKey }, cancellationToken: cancellationToken));
        return row?.CompletedAt is null ? DedupClaim.InProgress : new DedupClaim(DedupOutcome.Completed, row.ReplyXml);
    }

    /// <summary>Records the reply (null: acknowledged without one) for later deliveries of the same push.</summary>
    public async Task CompleteAsync(string dedupKey, string? replyXml, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE processed_messages SET completed_at = @now, reply_xml = @replyXml WHERE dedup_key = @dedupKey",
            new { dedupKey, replyXml, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Gives the push back after a failed handling, so WeChat's retry is handled afresh.</summary>
    public async Task ReleaseAsync(string dedupKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM processed_messages WHERE dedup_key = @dedupKey AND completed_at IS NULL",
            new { dedupKey }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes rows older than the window; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM processed_messages WHERE received_at < @cutoff",
            new { cutoff = (time.GetUtcNow() - options.Value.DedupWindow).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    private sealed class ProcessedRow
    {
        public DateTimeOffset? CompletedAt { get; set; }
        public string? ReplyXml { get; set; }
    }
}

internal enum DedupOutcome
{
    /// <summary>This delivery is the first: handle it.</summary>
    Claimed,

    /// <summary>An earlier delivery is still being handled.</summary>
    InProgress,

    /// <summary>An earlier delivery was handled; <see cref="DedupClaim.ReplyXml"/> is its reply.</summary>
    Completed,
}

internal sealed record DedupClaim(DedupOutcome Outcome, string? ReplyXml = null)
{
    public static DedupClaim Claimed { get; } = new(DedupOutcome.Claimed);

    public static DedupClaim InProgress { get; } = new(DedupOutcome.InProgress);
}
