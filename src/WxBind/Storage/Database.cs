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
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A connection for statements that write. On SQLite it holds the process's write turn until
    /// it is disposed; a writer must not open a second write connection while it holds one.
    /// </summary>
    public async ValueTask<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken = default)
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
        var connection = await OpenForWriteAsync(cancellationToken);
        try
        {
            if (connection is SqliteConnection sqlite)
            {
                // BEGIN IMMEDIATE: a read-then-write transaction must not fail half-way with SQLITE_BUSY.
                return (connection, sqlite.BeginTransaction(deferred: false));
            }
            return (connection, await connection.BeginTransactionAsync(cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
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
