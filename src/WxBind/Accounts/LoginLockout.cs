using Dapper;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary>
/// Failed-login counting in single statements, so parallel wrong passwords all count (Identity's
/// read-modify-write through the user store loses increments under concurrency).
/// </summary>
internal sealed class LoginLockout(Database database)
{
    /// <summary>
    /// Counts one failure unless the account is already locked; reaching <paramref name="maxFailures"/>
    /// locks it until <paramref name="now"/> + <paramref name="duration"/>. Returns when the account is
    /// locked until, or null when it is not locked.
    /// </summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(string userId, DateTimeOffset now, int maxFailures, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        // Right-hand sides read the row as it was before this statement: the increment is atomic.
        var row = await connection.QuerySingleOrDefaultAsync<LockoutRow>(new CommandDefinition(
            """
            UPDATE users SET
                access_failed_count = CASE WHEN access_failed_count + 1 >= @maxFailures THEN 0 ELSE access_failed_count + 1 END,
                lockout_end_at = CASE WHEN access_failed_count + 1 >= @maxFailures THEN @until ELSE lockout_end_at END,
                concurrency_stamp = @stamp
            WHERE id = @userId AND lockout_enabled AND (lockout_end_at IS NULL OR lockout_end_at <= @now)
            RETURNING lockout_end_at
            """,
            new
            {
                userId, maxFailures, stamp = Guid.NewGuid().ToString("N"),
                now = now.ToUnixTimeMilliseconds(), until = (now + duration).ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
        if (row is not null)
        {
            return row.LockoutEndAt is { } end && end > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null;
        }
        // Nothing counted: a parallel attempt locked the account first (or lockout is off for it).
        return await LockedUntilAsync(userId, now, cancellationToken);
    }

    public async Task<DateTimeOffset?> LockedUntilAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var end = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT lockout_end_at FROM users WHERE id = @userId AND lockout_enabled", new { userId }, cancellationToken: cancellationToken));
        return end is { } value && value > now.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }

    /// <summary>After a correct password or a password reset: the count starts again and any lock ends.</summary>
    public async Task ResetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET access_failed_count = 0, lockout_end_at = NULL, concurrency_stamp = @stamp
            WHERE id = @userId AND (access_failed_count <> 0 OR lockout_end_at IS NOT NULL)
            """,
            new { userId, stamp = Guid.NewGuid().ToString("N") }, cancellationToken: cancellationToken));
    }

    private sealed class LockoutRow
    {
        public long? LockoutEndAt { get; set; }
    }
}
