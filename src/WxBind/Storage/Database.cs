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

    /// <summary>Opens a connection and starts a transaction; SQLite takes the write lock up front.</summary>
    public async ValueTask<(DbConnection Connection, DbTransaction Transaction)> BeginAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
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
    }
}
