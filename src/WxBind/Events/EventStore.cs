using System.Data.Common;
using Dapper;
using WxBind.Storage;

namespace WxBind.Events;

/// <summary>
/// Events, registrations, check-ins, door codes and pending check-ins in the database. Seats and
/// check-ins change only through conditional updates inside one transaction, so neither two
/// instances nor two scans of the same person can overbook an event or check someone in twice.
/// </summary>
internal sealed class EventStore(Database database)
{
    private const string EventColumns =
        "id, title, description, place, starts_at, ends_at, signup_deadline, capacity, status, registered, checked_in, created_at, updated_at";

    public async Task InsertAsync(OfflineEvent item, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO events ({EventColumns})
            VALUES (@Id, @Title, @Description, @Place, @StartsAt, @EndsAt, @SignupDeadline, @Capacity, @Status, 0, 0, @CreatedAt, @UpdatedAt)
            """, item, cancellationToken: cancellationToken));
    }

    /// <summary>Saves the details; false when the capacity would drop below the seats already taken.</summary>
    public async Task<bool> UpdateDetailsAsync(OfflineEvent item, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE events SET title = @Title, description = @Description, place = @Place, starts_at = @StartsAt, ends_at = @EndsAt,
                signup_deadline = @SignupDeadline, capacity = @Capacity, updated_at = @UpdatedAt
            WHERE id = @Id AND registered <= @Capacity AND status <> 'cancelled'
            """, item, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> SetStatusAsync(string id, string from, string to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE events SET status = @to, updated_at = @now WHERE id = @id AND status = @from",
            new { id, from, to, now }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<OfflineEvent?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OfflineEvent>(new CommandDefinition(
            $"SELECT {EventColumns} FROM events WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Every event, soonest first (the console's list).</summary>
    public async Task<IReadOnlyList<OfflineEvent>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OfflineEvent>(new CommandDefinition(
            $"SELECT {EventColumns} FROM events ORDER BY starts_at DESC LIMIT 500", cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Published events that have not ended, soonest first (what followers see).</summary>
    public async Task<IReadOnlyList<OfflineEvent>> ListOpenAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OfflineEvent>(new CommandDefinition(
            $"SELECT {EventColumns} FROM events WHERE status = 'published' AND ends_at > @now ORDER BY starts_at LIMIT 100",
            new { now }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<Attendee?> GetRegistrationAsync(string eventId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Attendee>(new CommandDefinition(
            $"{AttendeeSelect} WHERE r.event_id = @eventId AND r.user_id = @userId", new { eventId, userId }, cancellationToken: cancellationToken));
    }

    /// <summary>Takes a seat for the user; <see cref="SignupResult.Full"/> when none is left.</summary>
    public async Task<SignupResult> RegisterAsync(string eventId, string userId, string via, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var result = await RegisterAsync(connection, transaction, eventId, userId, via, now, cancellationToken);
            if (result == SignupResult.Registered)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            return result;
        }
    }

    /// <summary>
    /// The seat is taken by a conditional increment (<c>registered &lt; capacity</c>) after the
    /// registration row is claimed; the caller commits only on <see cref="SignupResult.Registered"/>.
    /// </summary>
    private static async Task<SignupResult> RegisterAsync(DbConnection connection, DbTransaction transaction, string eventId, string userId, string via, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A new row, or a cancelled one taken up again; an active registration is left alone.
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_registrations (event_id, user_id, status, via, registered_at)
            VALUES (@eventId, @userId, 'registered', @via, @now)
            ON CONFLICT (event_id, user_id) DO UPDATE SET status = 'registered', via = excluded.via, registered_at = excluded.registered_at,
                cancelled_at = NULL, checked_in_at = NULL, checkin_number = NULL, reminded_at = NULL
            WHERE event_registrations.status = 'cancelled'
            """, new { eventId, userId, via, now }, transaction, cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return SignupResult.Already;
        }
        var seated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE events SET registered = registered + 1, updated_at = @now WHERE id = @eventId AND status = 'published' AND registered < capacity",
            new { eventId, now }, transaction, cancellationToken: cancellationToken));
        return seated == 1 ? SignupResult.Registered : SignupResult.Full;
    }

    /// <summary>Gives the seat back; false when there was no active registration or it is already checked in.</summary>
    public async Task<bool> CancelRegistrationAsync(string eventId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var cancelled = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE event_registrations SET status = 'cancelled', cancelled_at = @now
                WHERE event_id = @eventId AND user_id = @userId AND status = 'registered' AND checked_in_at IS NULL
                """, new { eventId, userId, now }, transaction, cancellationToken: cancellationToken));
            if (cancelled == 0)
            {
                return false;
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE events SET registered = registered - 1, updated_at = @now WHERE id = @eventId",
                new { eventId, now }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
    }

    /// <summary>
    /// Checks the user in once and records the attempt whatever its outcome. Someone at the door
    /// without a registration gets a seat first if one is left.
    /// </summary>
    public async Task<CheckinResult> CheckInAsync(
        string eventId, string userId, string? openId, string via, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One unit of a group commit: on SQLite the scans at the door commit together, one flush for all.
        return await database.WriteAsync(async (unit, token) =>
        {
            var result = await CheckInAsync(unit.Connection, unit.Transaction, eventId, userId, via, now, token);
            if (result.Outcome == CheckinOutcome.Full)
            {
                // The seat claim is undone with the rest; the refusal itself is still recorded.
                await unit.UndoAsync(token);
            }
            await RecordAsync(unit.Connection, unit.Transaction, eventId, userId, openId, result.Outcome, via, now, token);
            return result;
        }, cancellationToken);
    }

    private static async Task<CheckinResult> CheckInAsync(
        DbConnection connection, DbTransaction transaction, string eventId, string userId, string via, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // The row lock (PostgreSQL) or the write turn (SQLite) makes the first scan win; the
            // others then find checked_in_at set and answer "already".
            var won = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE event_registrations SET checked_in_at = @now
                WHERE event_id = @eventId AND user_id = @userId AND status = 'registered' AND checked_in_at IS NULL
                """, new { eventId, userId, now }, transaction, cancellationToken: cancellationToken));
            if (won == 1)
            {
                var number = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                    "UPDATE events SET checked_in = checked_in + 1 WHERE id = @eventId RETURNING checked_in",
                    new { eventId }, transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE event_registrations SET checkin_number = @number WHERE event_id = @eventId AND user_id = @userId",
                    new { eventId, userId, number }, transaction, cancellationToken: cancellationToken));
                return new CheckinResult(CheckinOutcome.Ok, number, now);
            }

            var current = await connection.QuerySingleOrDefaultAsync<RegistrationState>(new CommandDefinition(
                "SELECT status, checked_in_at, checkin_number FROM event_registrations WHERE event_id = @eventId AND user_id = @userId",
                new { eventId, userId }, transaction, cancellationToken: cancellationToken));
            if (current is { Status: "registered", CheckedInAt: { } at })
            {
                return new CheckinResult(CheckinOutcome.Already, current.CheckinNumber, at);
            }
            if (attempt > 0)
            {
                return new CheckinResult(CheckinOutcome.Full, null, null);
            }
            if (await RegisterAsync(connection, transaction, eventId, userId, via, now, cancellationToken) == SignupResult.Full)
            {
                return new CheckinResult(CheckinOutcome.Full, null, null);
            }
        }
        return new CheckinResult(CheckinOutcome.Full, null, null);
    }

    /// <summary>Records a check-in attempt that changed nothing (too early, too late, expired code, unbound).</summary>
    public async Task RecordAsync(string eventId, string? userId, string? openId, string outcome, string via, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await RecordAsync(connection, null, eventId, userId, openId, outcome, via, now, cancellationToken);
    }

    private static async Task RecordAsync(DbConnection connection, DbTransaction? transaction, string eventId, string? userId, string? openId, string outcome, string via, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO event_checkins (event_id, user_id, openid, outcome, via, at) VALUES (@eventId, @userId, @openId, @outcome, @via, @now)",
            new { eventId, userId, openId, outcome, via, now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Takes a check-in back; <paramref name="inTransaction"/> adds the audit record to the same commit.</summary>
    public async Task<bool> UndoCheckInAsync(string eventId, string userId, DateTimeOffset now,
        Func<DbConnection, DbTransaction, Task> inTransaction, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            var undone = await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE event_registrations SET checked_in_at = NULL, checkin_number = NULL
                WHERE event_id = @eventId AND user_id = @userId AND checked_in_at IS NOT NULL
                """, new { eventId, userId }, transaction, cancellationToken: cancellationToken));
            if (undone == 0)
            {
                return false;
            }
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE events SET checked_in = checked_in - 1 WHERE id = @eventId", new { eventId }, transaction, cancellationToken: cancellationToken));
            await RecordAsync(connection, transaction, eventId, userId, null, CheckinOutcome.Undone, "manual", now, cancellationToken);
            await inTransaction(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
    }

    private const string AttendeeSelect =
        """
        SELECT r.user_id, u.email, u.display_name, r.status, r.via, r.registered_at, r.checked_in_at, r.checkin_number, b.openid
        FROM event_registrations r
        JOIN users u ON u.id = r.user_id
        LEFT JOIN wechat_bindings b ON b.user_id = r.user_id
        """;

    /// <summary>Active registrations, optionally those whose name or e-mail contains <paramref name="search"/>.</summary>
    public async Task<IReadOnlyList<Attendee>> AttendeesAsync(string eventId, string? search, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var pattern = string.IsNullOrWhiteSpace(search) ? null : "%" + EscapeLike(search.Trim().ToLowerInvariant()) + "%";
        return (await connection.QueryAsync<Attendee>(new CommandDefinition(
            $"""
            {AttendeeSelect}
            WHERE r.event_id = @eventId AND r.status = 'registered'
              AND (@pattern IS NULL OR lower(u.email) LIKE @pattern ESCAPE '\' OR lower(u.display_name) LIKE @pattern ESCAPE '\')
            ORDER BY r.registered_at, u.email
            """, new { eventId, pattern }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>The latest recorded attempts, failures included.</summary>
    public async Task<IReadOnlyList<CheckinRecord>> RecentCheckinsAsync(string eventId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<CheckinRecord>(new CommandDefinition(
            """
            SELECT c.id, c.user_id, u.email, c.openid, c.outcome, c.via, c.at
            FROM event_checkins c LEFT JOIN users u ON u.id = c.user_id
            WHERE c.event_id = @eventId ORDER BY c.id DESC LIMIT @take
            """, new { eventId, take }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task InsertDoorCodeAsync(string sceneStr, string eventId, string sessionId, DateTimeOffset now, DateTimeOffset acceptUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO event_door_codes (scene_str, event_id, session_id, created_at, accept_until) VALUES (@sceneStr, @eventId, @sessionId, @now, @acceptUntil)",
            new { sceneStr, eventId, sessionId, now, acceptUntil }, cancellationToken: cancellationToken));
    }

    public async Task<DoorCode?> FindDoorCodeAsync(string sceneStr, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DoorCode>(new CommandDefinition(
            "SELECT scene_str, event_id, session_id, created_at, accept_until FROM event_door_codes WHERE scene_str = @sceneStr",
            new { sceneStr }, cancellationToken: cancellationToken));
    }

    /// <summary>Remembers (or renews) that this openid scanned the door code while unbound.</summary>
    public async Task SavePendingAsync(string eventId, string openId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_pending_checkins (event_id, openid, created_at, expires_at) VALUES (@eventId, @openId, @now, @expiresAt)
            ON CONFLICT (event_id, openid) DO UPDATE SET created_at = excluded.created_at, expires_at = excluded.expires_at
            """, new { eventId, openId, now, expiresAt }, cancellationToken: cancellationToken));
    }

    /// <summary>Uses up a pending check-in that is still in time; false when there is none.</summary>
    public async Task<bool> TakePendingAsync(string eventId, string openId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM event_pending_checkins WHERE event_id = @eventId AND openid = @openId AND expires_at > @now",
            new { eventId, openId, now }, cancellationToken: cancellationToken));
        return taken == 1;
    }

    /// <summary>Registrations of bound followers whose event starts within <paramref name="before"/> and who were not reminded yet.</summary>
    public async Task<IReadOnlyList<DueReminder>> DueRemindersAsync(DateTimeOffset now, TimeSpan before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<DueReminder>(new CommandDefinition(
            """
            SELECT r.event_id, r.user_id, b.openid, e.title, e.place, e.starts_at
            FROM event_registrations r
            JOIN events e ON e.id = r.event_id
            JOIN wechat_bindings b ON b.user_id = r.user_id
            WHERE r.status = 'registered' AND r.reminded_at IS NULL AND e.status = 'published'
              AND e.starts_at > @now AND e.starts_at <= @horizon
            ORDER BY e.starts_at LIMIT 500
            """, new { now, horizon = now + before }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>Claims one reminder; only the instance that gets true sends it.</summary>
    public async Task<bool> ClaimReminderAsync(string eventId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE event_registrations SET reminded_at = @now WHERE event_id = @eventId AND user_id = @userId AND reminded_at IS NULL AND status = 'registered'",
            new { eventId, userId, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>What the live pages show; null when there is no such event.</summary>
    public async Task<EventEndpoints.LiveCounts?> LiveCountsAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LiveRow>(new CommandDefinition(
            """
            SELECT registered, checked_in, capacity, status,
                   COALESCE((SELECT MAX(id) FROM event_checkins WHERE event_id = @eventId), 0) AS last_scan
            FROM events WHERE id = @eventId
            """, new { eventId }, cancellationToken: cancellationToken));
        return row is null ? null : new EventEndpoints.LiveCounts(row.Registered, row.CheckedIn, row.Capacity, row.Status, row.LastScan);
    }

    private sealed class LiveRow
    {
        public int Registered { get; set; }
        public int CheckedIn { get; set; }
        public int Capacity { get; set; }
        public string Status { get; set; } = "";
        public long LastScan { get; set; }
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

internal enum SignupResult
{
    Registered,
    Already,
    Full,
}

internal sealed class RegistrationState
{
    public string Status { get; set; } = "";
    public DateTimeOffset? CheckedInAt { get; set; }
    public int? CheckinNumber { get; set; }
}

internal sealed record CheckinResult(string Outcome, int? Number, DateTimeOffset? CheckedInAt);

internal sealed class DoorCode
{
    public string SceneStr { get; set; } = "";
    public string EventId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset AcceptUntil { get; set; }
}

internal sealed class DueReminder
{
    public string EventId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string OpenId { get; set; } = "";
    public string Title { get; set; } = "";
    public string Place { get; set; } = "";
    public DateTimeOffset StartsAt { get; set; }
}
