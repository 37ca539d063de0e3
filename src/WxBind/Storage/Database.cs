using System.Collections.Concurrent;
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

    private readonly Handover _groupQueue = new();
    private Task _drain = Task.CompletedTask;

    // The group writer's own connection (SQLite), used by one batch at a time.
    private PreparedConnection? _writer;

    // Idle reading connections (SQLite), open, with their settings made and their statements
    // compiled: opening one and compiling a query cost more than running it. At most
    // MaxIdleReaders wait here; more, opened at a peak, are closed when given back.
    private readonly ConcurrentBag<PreparedConnection> _readers = [];
    private int _idleReaders;
    private const int MaxIdleReaders = 16;
    private volatile bool _disposed;

    // The group writer's commits between two checkpoints, whether one is running, and whether one
    // finished since the writer last caught up with it.
    private const int BatchesPerCheckpoint = 50;
    private int _batchesSinceCheckpoint;
    private int _checkpointing;
    private int _checkpointed;
    private Task _checkpoint = Task.CompletedTask;

    // Units whose batch has committed but whose write-ahead log may not be on disk yet, in commit
    // order. The flusher puts the log on disk and answers them while the writer runs the next batch.
    private readonly Handover _unflushed = new();
    private Task _flush = Task.CompletedTask;
    private string? _logPath;

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

    /// <summary>Units waiting for the group writer (SQLite): the batch it takes next.</summary>
    internal int QueuedWrites => _groupQueue.Count;

    /// <summary>
    /// A connection for reading (and for writes that take no write turn, such as migrations). On
    /// SQLite it is lent from the pool of open connections and goes back to it when disposed.
    /// </summary>
    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }
        if (_readers.TryTake(out var reader))
        {
            Interlocked.Decrement(ref _idleReaders);
        }
        else
        {
            reader = new PreparedConnection(await OpenSqliteAsync(cancellationToken), GiveBack);
        }
        reader.Lend();
        return reader;
    }

    /// <summary>
    /// Answers a query on a connection opened for it, not a lent one: a lent connection still
    /// reads a database file that was deleted or replaced under it.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = _postgres is not null
            ? await _postgres.OpenConnectionAsync(cancellationToken)
            : await OpenSqliteAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Takes back a lent connection, unless it is in a transaction, the pool is full, or the database is closing.</summary>
    private bool GiveBack(PreparedConnection reader)
    {
        if (_disposed || !reader.IsIdle)
        {
            return false;
        }
        if (Interlocked.Increment(ref _idleReaders) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref _idleReaders);
            return false;
        }
        _readers.Add(reader);
        return true;
    }

    private async ValueTask<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        // FULL: a commit is on disk when it returns. Writes enlisted by a push run with NORMAL and
        // are made durable by the group commit that the push awaits before it replies.
        // temp_store MEMORY: the undo records of a unit's savepoint (and of a statement) stay in
        // memory instead of a temporary file, which cost two system calls per page a unit changed.
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;";
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
                await enlistment.WriteAsync(connection, null, inGroupUnit: false, cancellationToken);
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
        if (InWriteUnit.Value)
        {
            throw new InvalidOperationException("A write unit opened a write connection of its own: it would wait for itself. Use the unit's connection.");
        }
        await TakeWriteTurnAsync(cancellationToken);
        try
        {
            var connection = await OpenSqliteAsync(cancellationToken);
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

    private async Task TakeWriteTurnAsync(CancellationToken cancellationToken)
    {
        // A writer that waits this long is stuck behind a leak or a nested write: fail loudly.
        if (!await _sqliteWriter!.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new TimeoutException("No SQLite write turn within 30 s: a write connection is held too long or opened inside another.");
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
                    await enlistment.WriteAsync(connection, transaction, inGroupUnit: false, cancellationToken);
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
    /// Runs <paramref name="work"/> as a unit of the next shared write transaction and returns its
    /// result once that transaction has committed. On SQLite the units queued meanwhile run one
    /// after another in one transaction with one flush (group commit), each in a savepoint of its
    /// own: a unit that throws is undone alone and its caller gets the exception, the others
    /// commit. On PostgreSQL each unit is its own transaction. The write enlisted by the caller's
    /// flow (<see cref="WriteEnlistment"/>) joins the unit. A unit touches only the database (no
    /// calls out, no second write connection): every other queued write waits for it.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<WriteUnit, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var pending = new PendingWrite<T>(work, WriteEnlistment.Current, cancellationToken);
        if (_sqliteWriter is null)
        {
            return WriteAloneAsync(pending);
        }
        if (_groupQueue.Add(pending))
        {
            // The writer belongs to no caller: it must not carry a caller's enlistment or cancellation.
            using (ExecutionContext.SuppressFlow())
            {
                _drain = Task.Run(DrainGroupAsync, CancellationToken.None);
            }
        }
        return pending.Done.Task;
    }

    /// <inheritdoc cref="WriteAsync{T}"/>
    public Task WriteAsync(Func<WriteUnit, CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(async (unit, token) =>
        {
            await work(unit, token);
            return true;
        }, cancellationToken);

    private async Task<T> WriteAloneAsync<T>(PendingWrite<T> pending)
    {
        var (connection, transaction) = await BeginAsync(pending.CancellationToken);
        await using (connection)
        await using (transaction)
        {
            await transaction.SaveAsync(WriteUnit.Savepoint, pending.CancellationToken);
            var result = await pending.Work(new WriteUnit(connection, transaction), pending.CancellationToken);
            await transaction.CommitAsync(pending.CancellationToken);
            return result;
        }
    }

    private async Task DrainGroupAsync()
    {
        while (true)
        {
            if (_groupQueue.TakeOrStop() is not { } batch)
            {
                return;
            }
            batch.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Cancel());
            if (batch.Count > 0)
            {
                await CommitBatchAsync(batch);
            }
        }
    }

    private async Task CommitBatchAsync(List<PendingWrite> batch)
    {
        var committed = new List<PendingWrite>(batch.Count);
        await TakeWriteTurnAsync(CancellationToken.None);
        try
        {
            // One connection for every batch: its statements stay compiled from one batch to the next.
            _writer ??= await OpenWriterAsync();
            var transaction = _writer.Inner.BeginTransaction(deferred: false);
            await using (transaction)
            {
                InWriteUnit.Value = true;
                var unit = new WriteUnit(_writer, transaction);
                var next = 0;
                do
                {
                    for (; next < batch.Count; next++)
                    {
                        if (await RunUnitAsync(batch[next], unit))
                        {
                            committed.Add(batch[next]);
                        }
                    }
                }
                // Units queued while these ran join this commit rather than wait for the next one;
                // so do those queued while the last batch's log is put on disk, since a commit
                // before that flush ends would only make the batches smaller.
                while (batch.Count < MaxUnitsPerCommit && (TakeQueued(batch) || await FlushedThenTakeQueuedAsync(batch)));
                await transaction.CommitAsync(CancellationToken.None);
            }
            if (Interlocked.Exchange(ref _checkpointed, 0) == 1)
            {
                CatchUpWithCheckpoint();
            }
        }
        catch (Exception e)
        {
            // The transaction itself failed (the database is away, the disk is full): nothing of
            // this batch committed, every unit without an answer yet gets this one, and the next
            // batch starts on a fresh connection.
            batch.ForEach(w => w.Fail(e));
            committed.Clear();
            await DropWriterAsync();
        }
        finally
        {
            _sqliteWriter!.Release();
        }
        if (committed.Count > 0)
        {
            FlushThenAnswer(committed);
        }
        if (++_batchesSinceCheckpoint >= BatchesPerCheckpoint)
        {
            _batchesSinceCheckpoint = 0;
            CheckpointInBackground();
        }
    }

    // A commit waits for at most this many units: under a steady stream of late arrivals it still ends.
    private const int MaxUnitsPerCommit = 256;

    /// <summary>Moves the units queued meanwhile into <paramref name="batch"/>; false when there were none.</summary>
    private bool TakeQueued(List<PendingWrite> batch)
    {
        if (_groupQueue.Take() is not { } queued)
        {
            return false;
        }
        queued.RemoveAll(w => w.CancellationToken.IsCancellationRequested && w.Cancel());
        batch.AddRange(queued);
        return true;
    }

    /// <summary>Runs one unit in its savepoint; true when it succeeded (it commits with the batch), false when it failed alone.</summary>
    private async Task<bool> RunUnitAsync(PendingWrite pending, WriteUnit unit)
    {
        // Savepoints as prepared statements too: a unit is only a few statements long.
        _writer!.Execute(SaveUnit, (SqliteTransaction)unit.Transaction);
        bool succeeded;
        try
        {
            if (pending.Enlistment is { } enlistment)
            {
                await enlistment.WriteAsync(unit.Connection, unit.Transaction, inGroupUnit: true, pending.CancellationToken);
            }
            await pending.RunAsync(unit);
            succeeded = true;
        }
        catch (Exception e) when (e is not SqliteException { SqliteErrorCode: 10 or 13 }) // not an I/O error or a full disk
        {
            await unit.UndoAsync(CancellationToken.None);
            pending.Fail(e);
            succeeded = false;
        }
        _writer.Execute(ReleaseUnit, (SqliteTransaction)unit.Transaction);
        return succeeded;
    }

    /// <summary>
    /// Copies the write-ahead log back into the database file on a connection of its own, beside
    /// the writer rather than inside one of its commits (SQLite's automatic checkpoint would run in
    /// the commit that crosses 1,000 pages and hold every caller of that batch). A passive
    /// checkpoint waits for nobody; what it cannot copy yet, the next one does.
    /// </summary>
    /// <remarks>
    /// Under steady load the writer commits while this runs, so the log is never copied to its
    /// end and SQLite never starts it over: it would grow by every page written (tens of MB a
    /// second). <see cref="CatchUpWithCheckpoint"/> closes that gap from the writer.
    /// </remarks>
    private void CheckpointInBackground()
    {
        if (_disposed || Interlocked.Exchange(ref _checkpointing, 1) == 1)
        {
            return;
        }
        _checkpoint = Task.Run(async () =>
        {
            try
            {
                await using var connection = await OpenSqliteAsync(CancellationToken.None);
                await using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = CheckpointPassive;
                await checkpoint.ExecuteNonQueryAsync();
            }
            catch (SqliteException)
            {
                // Nothing is lost: the log keeps every commit, and the next checkpoint copies it.
            }
            finally
            {
                Volatile.Write(ref _checkpointed, 1);
                Volatile.Write(ref _checkpointing, 0);
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// After a background checkpoint, the writer (holding its turn, between two batches) copies the
    /// few pages committed while that ran. The log is then copied whole, and the next commit
    /// writes it from its start again, over blocks already on disk.
    /// </summary>
    private void CatchUpWithCheckpoint()
    {
        try
        {
            _writer!.Execute(CheckpointPassive, null);
        }
        catch (SqliteException)
        {
            // As in the background: nothing is lost, the next checkpoint copies what this one could not.
        }
    }

    private const string CheckpointPassive = "PRAGMA wal_checkpoint(PASSIVE)";

    private async Task<PreparedConnection> OpenWriterAsync()
    {
        var connection = await OpenSqliteAsync(CancellationToken.None);
        using var pragma = connection.CreateCommand();
        // Its commits do not copy the write-ahead log back into the file (CheckpointInBackground
        // does), nor wait for the disk: the flusher puts the log on disk before anyone is answered.
        pragma.CommandText = "PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync();
        _logPath ??= SQLitePCL.raw.sqlite3_db_filename(connection.Handle, "main").utf8_to_string() + "-wal";
        return new PreparedConnection(connection);
    }

    /// <summary>Waits for the flush in flight, if any, then takes the units queued meanwhile.</summary>
    private async Task<bool> FlushedThenTakeQueuedAsync(List<PendingWrite> batch)
    {
        if (_flush.IsCompleted)
        {
            return false;
        }
        await _flush;
        return TakeQueued(batch);
    }

    /// <summary>
    /// Answers the units of a committed batch once the write-ahead log holding it is on disk. The
    /// writer commits without waiting for the disk and goes on with the next batch; the flusher
    /// puts the log on disk once for every batch committed meanwhile. So a commit and the flush
    /// of the one before it overlap, and still nobody is answered before their change is on disk.
    /// </summary>
    private void FlushThenAnswer(List<PendingWrite> committed)
    {
        if (_unflushed.AddRange(committed))
        {
            _flush = Task.Run(FlushLoop, CancellationToken.None);
        }
    }

    private void FlushLoop()
    {
        while (true)
        {
            if (_unflushed.TakeOrStop() is not { } flushed)
            {
                return;
            }
            try
            {
                FlushLog(_logPath!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Committed, but not known to be on disk: its callers are not told it happened.
                flushed.ForEach(w => w.Fail(e));
                continue;
            }
            flushed.ForEach(w => w.Complete());
        }
    }

    /// <summary>Puts the write-ahead log at <c>path</c> on disk (fsync); replaceable by tests, to hold a flush.</summary>
    internal Action<string> FlushLog { get; set; } = FlushToDisk;

    internal static void FlushToDisk(string path)
    {
        FileStream log;
        try
        {
            // Opened by name each time: while the writer's connection is open SQLite keeps this
            // file, and a handle of our own would outlive a writer reopened after a failure.
            log = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            // SQLite removes the log only once the last connection has closed, after copying it
            // into the database file and putting that on disk.
            return;
        }
        using (log)
        {
            log.Flush(flushToDisk: true);
        }
    }

    private const string SaveUnit = "SAVEPOINT " + WriteUnit.Savepoint;
    private const string ReleaseUnit = "RELEASE " + WriteUnit.Savepoint;

    private async Task DropWriterAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.DisposeAsync();
        }
    }

    // True in the group writer: a unit that opened a write connection would wait for itself.
    private static readonly AsyncLocal<bool> InWriteUnit = new();

    /// <summary>
    /// Units handed over by many callers and taken in bulk by one runner at a time (the group
    /// writer, the flusher): whoever hands over the first units after the runner stopped starts it.
    /// </summary>
    private sealed class Handover
    {
        private readonly Lock _lock = new();
        private List<PendingWrite> _items = [];
        private bool _running;

        /// <summary>True while a runner takes what is handed over (it stops once nothing is left).</summary>
        public bool Running
        {
            get
            {
                lock (_lock)
                {
                    return _running;
                }
            }
        }

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _items.Count;
                }
            }
        }

        /// <summary>Hands <paramref name="item"/> over; true when the caller must start the runner.</summary>
        public bool Add(PendingWrite item)
        {
            lock (_lock)
            {
                _items.Add(item);
                return Started();
            }
        }

        /// <summary>Hands <paramref name="items"/> over; true when the caller must start the runner.</summary>
        public bool AddRange(List<PendingWrite> items)
        {
            lock (_lock)
            {
                _items.AddRange(items);
                return Started();
            }
        }

        private bool Started()
        {
            var start = !_running;
            _running = true;
            return start;
        }

        /// <summary>What was handed over since the last take; null when nothing was.</summary>
        public List<PendingWrite>? Take()
        {
            lock (_lock)
            {
                return TakeHeld();
            }
        }

        /// <summary>As <see cref="Take"/>, but when nothing was handed over the runner stops.</summary>
        public List<PendingWrite>? TakeOrStop()
        {
            lock (_lock)
            {
                var taken = TakeHeld();
                _running = taken is not null;
                return taken;
            }
        }

        private List<PendingWrite>? TakeHeld()
        {
            if (_items.Count == 0)
            {
                return null;
            }
            var taken = _items;
            _items = [];
            return taken;
        }
    }

    private abstract class PendingWrite(WriteEnlistment? enlistment, CancellationToken cancellationToken)
    {
        public WriteEnlistment? Enlistment { get; } = enlistment;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public abstract Task RunAsync(WriteUnit unit);

        public abstract void Complete();

        public abstract void Fail(Exception exception);

        public abstract bool Cancel();
    }

    private sealed class PendingWrite<T>(Func<WriteUnit, CancellationToken, Task<T>> work, WriteEnlistment? enlistment, CancellationToken cancellationToken)
        : PendingWrite(enlistment, cancellationToken)
    {
        private T _result = default!;

        public Func<WriteUnit, CancellationToken, Task<T>> Work { get; } = work;

        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(WriteUnit unit) => _result = await Work(unit, CancellationToken);

        public override void Complete() => Done.TrySetResult(_result);

        public override void Fail(Exception exception) => Done.TrySetException(exception);

        public override bool Cancel() => Done.TrySetCanceled(CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_readers.TryTake(out var reader))
        {
            reader.Discard();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        if (_sqliteWriter is not null)
        {
            // Units queued before the end still commit (a push's reply is recorded after its answer).
            while (_groupQueue.Running)
            {
                await Volatile.Read(ref _drain);
                await Task.Yield();
            }
            // The last batch may still be running: take the turn, then close the writer's connection.
            await _sqliteWriter.WaitAsync(TimeSpan.FromSeconds(30));
            await _checkpoint;
            await _flush;
            await DropWriterAsync();
            _sqliteWriter.Dispose();
        }
    }
}
