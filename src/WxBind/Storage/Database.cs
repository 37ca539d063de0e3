using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace WxBind.Storage;

/// <summary>
/// The one connection factory: every store opens its connections here, so the provider choice
/// (SQLite file or PostgreSQL) is made once, at start-up.
/// </summary>
internal sealed class Database : IAsyncDisposable
{
    private readonly string _sqliteConnectionString = "";
    private readonly NpgsqlDataSource? _postgres;

    // SQLite has one writer at a time. Writers queue here, in process and without sleeping,
    // instead of in SQLite's busy handler, which backs off in steps of up to a second.
    private readonly SemaphoreSlim? _sqliteWriter;

    private readonly Lock _groupLock = new();
    private List<PendingWrite> _groupQueue = [];
    private bool _groupDraining;

    public Database(StorageProvider provider, string connectionString)
    {
        Provider = provider;
        if (provider == StorageProvider.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(connectionString);
        }
        else
        {
            // Pooling keeps the WAL file and page cache warm; a busy timeout lets concurrent
            // writers queue instead of failing with SQLITE_BUSY.
            var csb = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
            var dir = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
            _sqliteConnectionString = csb.ToString();
            _sqliteWriter = new SemaphoreSlim(1, 1);
        }
    }

    public StorageProvider Provider { get; }

    public bool IsPostgres => Provider == StorageProvider.Postgres;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        // FULL: a commit is on disk when it returns. Writes enlisted by a push run with NORMAL and
        // are made durable by the group commit that the push awaits before it replies.
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A connection for statements that write. On SQLite it holds the process's write turn until
    /// it is disposed; a writer must not open a second write connection while it holds one.
    /// </summary>
    public async ValueTask<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenWriteTurnAsync(cancellationToken);
        try
        {
            if (await EnlistAsync(connection, cancellationToken) is { } enlistment)
            {
                // No transaction to join: the enlisted record goes first, and the group commit the
                // enlistment's owner awaits makes both durable before anyone is told.
                await enlistment.WriteAsync(connection, null, cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async ValueTask<DbConnection> OpenWriteTurnAsync(CancellationToken cancellationToken)
    {
        if (_sqliteWriter is null)
        {
            return await OpenAsync(cancellationToken);
        }
        // A writer that waits this long is stuck behind a leak or a nested write: fail loudly.
        if (!await _sqliteWriter.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new TimeoutException("No SQLite write turn within 30 s: a write connection is held too long or opened inside another.");
        }
        try
        {
            var connection = await OpenAsync(cancellationToken);
            var released = 0;
            connection.Disposed += (_, _) =>
            {
                if (Interlocked.Exchange(ref released, 1) == 0)
                {
                    _sqliteWriter.Release();
                }
            };
            return connection;
        }
        catch
        {
            _sqliteWriter.Release();
            throw;
        }
    }

    /// <summary>Opens a write connection and starts a transaction; SQLite takes the write lock up front.</summary>
    public async ValueTask<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenWriteTurnAsync(cancellationToken);
        try
        {
            var enlistment = await EnlistAsync(connection, cancellationToken);
            // BEGIN IMMEDIATE on SQLite: a read-then-write transaction must not fail half-way with SQLITE_BUSY.
            var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: false)
                : await connection.BeginTransactionAsync(cancellationToken);
            if (enlistment is not null)
            {
                try
                {
                    // Commits with the caller's change, or rolls back with it.
                    await enlistment.WriteAsync(connection, transaction, cancellationToken);
                }
                catch
                {
                    await transaction.DisposeAsync();
                    throw;
                }
            }
            return (connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The write enlisted by the current flow (<see cref="WriteEnlistment"/>), if any. On SQLite its
    /// writes skip the flush at commit: the enlistment's owner awaits a group commit, which
    /// flushes the write-ahead log with everything committed before it, before it tells anyone.
    /// </summary>
    private static async ValueTask<WriteEnlistment?> EnlistAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (WriteEnlistment.Current is not { } enlistment)
        {
            return null;
        }
        if (connection is SqliteConnection)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
        }
        return enlistment;
    }

    /// <summary>
    /// Group commit: <paramref name="write"/> joins the writes queued meanwhile in one transaction
    /// with one flush; the task completes when that transaction has committed. A batch that fails
    /// is retried one write at a time, so a bad write fails alone.
    /// </summary>
    public Task GroupCommitAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        var pending = new PendingWrite(write, cancellationToken);
        bool start;
        lock (_groupLock)
        {
            _groupQueue.Add(pending);
            start = !_groupDraining;
            _groupDraining = true;
        }
        if (start)
        {
            // The writer belongs to no caller: it must not carry a caller's enlistment or cancellation.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainGroupAsync, CancellationToken.None);
            }
        }
        return pending.Done.Task;
    }

    private async Task DrainGroupAsync()
    {
        while (true)
        {
            List<PendingWrite> batch;
            lock (_groupLock)
            {
                if (_groupQueue.Count == 0)
                {
                    _groupDraining = false;
                    return;
                }
                batch = _groupQueue;
                _groupQueue = [];
            }
            batch.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Done.TrySetCanceled(w.CancellationToken));
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await CommitBatchAsync(batch);
                batch.ForEach(w => w.Done.TrySetResult());
            }
            catch when (batch.Count > 1)
            {
                foreach (var single in batch)
                {
                    try
                    {
                        await CommitBatchAsync([single]);
                        single.Done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        single.Done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task CommitBatchAsync(List<PendingWrite> batch)
    {
        var (connection, transaction) = await BeginAsync(CancellationToken.None);
        await using (connection)
        await using (transaction)
        {
            foreach (var pending in batch)
            {
                await pending.Write(connection, transaction, CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
        }
    }

    private sealed record PendingWrite(Func<DbConnection, DbTransaction, CancellationToken, Task> Write, CancellationToken CancellationToken)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        _sqliteWriter?.Dispose();
    }
}
