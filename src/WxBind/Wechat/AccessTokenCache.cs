using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;

namespace WxBind.Wechat;

/// <summary>
/// The API access_token, shared by every instance through the <c>wechat_tokens</c> table: WeChat
/// invalidates the previous token whenever a new one is fetched (§4.1), so instances must not each
/// fetch their own. One refresh at a time: one shared fetch in process (with a short back-off
/// after a failure), and a PostgreSQL advisory lock across instances. SQLite serves one process,
/// so its single flight is the one refresh, and WeChat's answer is awaited outside the write
/// turn: every other write, a push's reply included, would otherwise wait for WeChat.
/// </summary>
internal sealed partial class AccessTokenCache(
    Database database, IOptions<WechatOptions> options, TimeProvider time, ILogger<AccessTokenCache> logger)
{
    // Refresh early: the token may be used for seconds after we hand it out, and stable_token
    // rotates in its last 5 minutes anyway.
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    // Any fixed 64-bit number unique to this lock (migrations use ...0001).
    private const long AdvisoryLockKey = 0x5778_4269_6E64_0002;

    // After a failed fetch, callers fail fast for this long instead of each asking WeChat again:
    // a token endpoint that is down or slow must not be met with a storm of fetches.
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private StoredToken? _current;
    private Task<StoredToken>? _refresh;
    private DateTimeOffset _failedUntil;

    /// <summary>
    /// Returns a token that is valid for at least a few minutes, fetching one with <paramref name="fetch"/> if needed.
    /// Concurrent callers share one fetch; each waits for it only as long as its own <paramref name="cancellationToken"/> allows.
    /// </summary>
    public async ValueTask<string> GetAsync(
        Func<CancellationToken, Task<(string AccessToken, int ExpiresIn)>> fetch, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } cached && IsFresh(cached))
        {
            return cached.AccessToken;
        }

        Task<StoredToken> refresh;
        lock (_lock)
        {
            if (_refresh is null && time.GetUtcNow() < _failedUntil)
            {
                throw new WechatApiException("cgi-bin/token", WechatErrorCodes.SystemBusy, "the last token fetch failed moments ago");
            }
            if (_refresh is null)
            {
                // The refresh belongs to no caller: it must not join a caller's enlisted write (a
                // push's dedup record would commit with the token) nor end with its cancellation.
                using (ExecutionContext.SuppressFlow())
                {
                    _refresh = Task.Run(() => RefreshAsync(fetch), CancellationToken.None);
                }
            }
            refresh = _refresh;
        }
        return (await refresh.WaitAsync(cancellationToken)).AccessToken;
    }

    /// <summary>The one fetch in flight, not tied to any caller: the HTTP client's timeout bounds it.</summary>
    private async Task<StoredToken> RefreshAsync(Func<CancellationToken, Task<(string AccessToken, int ExpiresIn)>> fetch)
    {
        // GetAsync publishes this task under _lock, so the finally below cannot clear it first.
        try
        {
            var stored = await ReadOrFetchAsync(fetch, CancellationToken.None);
            Volatile.Write(ref _current, stored);
            return stored;
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _failedUntil = time.GetUtcNow() + FailureBackoff;
            }
            LogFetchFailed(logger, e.GetType().Name);
            throw;
        }
        finally
        {
            lock (_lock)
            {
                _refresh = null;
            }
        }
    }

    private async Task<StoredToken> ReadOrFetchAsync(
        Func<CancellationToken, Task<(string AccessToken, int ExpiresIn)>> fetch, CancellationToken cancellationToken)
    {
        if (!database.IsPostgres)
        {
            // Read, ask WeChat, then store in a write turn of its own.
            await using (var read = await database.OpenAsync(cancellationToken))
            {
                if (await ReadAsync(read, null, cancellationToken) is { } current && IsFresh(current))
                {
                    return current;
                }
            }
            var fetched = await FetchAsync(fetch, cancellationToken);
            await using var write = await database.OpenForWriteAsync(cancellationToken);
            await StoreAsync(write, null, fetched, cancellationToken);
            return fetched;
        }

        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@key)", new { key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken));

            // Re-read under the lock: another instance may have stored a fresh token meanwhile.
            var stored = await ReadAsync(connection, transaction, cancellationToken);
            if (stored is null || !IsFresh(stored))
            {
                stored = await FetchAsync(fetch, cancellationToken);
                await StoreAsync(connection, transaction, stored, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return stored;
        }
    }

    private async Task<StoredToken> FetchAsync(
        Func<CancellationToken, Task<(string AccessToken, int ExpiresIn)>> fetch, CancellationToken cancellationToken)
    {
        var (accessToken, expiresIn) = await fetch(cancellationToken);
        LogFetched(logger, expiresIn);
        return new StoredToken { AccessToken = accessToken, ExpiresAt = time.GetUtcNow().AddSeconds(expiresIn) };
    }

    // expires_at is Unix ms; passed as a long so Dapper does not write a DateTimeOffset as text.
    private Task<int> StoreAsync(DbConnection connection, DbTransaction? transaction, StoredToken token, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO wechat_tokens (app_id, access_token, expires_at) VALUES (@appId, @AccessToken, @ExpiresAt)
            ON CONFLICT (app_id) DO UPDATE SET access_token = excluded.access_token, expires_at = excluded.expires_at
            """,
            new { appId = options.Value.AppId, token.AccessToken, ExpiresAt = token.ExpiresAt.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Forgets <paramref name="failedToken"/> after WeChat rejected it — but only if it is still the
    /// current one: a late 40001 for a token that was already replaced must not drop its successor.
    /// </summary>
    public async ValueTask InvalidateAsync(string failedToken, int errCode, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current?.AccessToken == failedToken)
        {
            Interlocked.CompareExchange(ref _current, null, current);
        }
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM wechat_tokens WHERE app_id = @appId AND access_token = @failedToken",
            new { appId = options.Value.AppId, failedToken }, cancellationToken: cancellationToken));
        LogInvalidated(logger, errCode, deleted > 0);
    }

    private bool IsFresh(StoredToken token) => token.ExpiresAt - RefreshMargin > time.GetUtcNow();

    private Task<StoredToken?> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<StoredToken>(new CommandDefinition(
            "SELECT access_token, expires_at FROM wechat_tokens WHERE app_id = @appId",
            new { appId = options.Value.AppId }, transaction, cancellationToken: cancellationToken));


    [LoggerMessage(2001, LogLevel.Information, "Fetched a new WeChat access token valid for {ExpiresIn} s")]
    private static partial void LogFetched(ILogger logger, int expiresIn);

    [LoggerMessage(2002, LogLevel.Warning, "WeChat rejected the access token with errcode {ErrCode}; stored copy removed: {Removed}")]
    private static partial void LogInvalidated(ILogger logger, int errCode, bool removed);

    [LoggerMessage(2003, LogLevel.Warning, "Fetching a WeChat access token failed ({Error}); callers fail fast for a moment")]
    private static partial void LogFetchFailed(ILogger logger, string error);

    private sealed class StoredToken
    {
        public string AccessToken { get; set; } = "";
        public DateTimeOffset ExpiresAt { get; set; }
    }
}
