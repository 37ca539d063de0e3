using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using WxBind.Storage;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// A fresh, empty database for one test — an SQLite file, or a PostgreSQL database on the server
/// named by <c>WXBIND_TEST_POSTGRES</c> (or given) — with the direct reads the checks need.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;

    private TestDatabase(StorageProvider provider, string connectionString, string? adminConnectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable("WXBIND_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    /// <summary>SQLite always; PostgreSQL when <c>WXBIND_TEST_POSTGRES</c> is set (then a missing server fails the test).</summary>
    public static TheoryData<StorageProvider> Providers
    {
        get
        {
            var data = new TheoryData<StorageProvider> { StorageProvider.Sqlite };
            if (PostgresAdmin is not null)
            {
                data.Add(StorageProvider.Postgres);
            }
            return data;
        }
    }

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider, string? postgresAdmin = null)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "wxbind-reliability", $"{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new TestDatabase(provider, $"Data Source={path}", null);
        }

        var admin = postgresAdmin ?? PostgresAdmin ?? throw new InvalidOperationException("WXBIND_TEST_POSTGRES is not set.");
        var name = $"wxbind_rel_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }
        // Without pooling: a killed app or a stopped server must not leave broken pooled connections here.
        return new TestDatabase(provider, new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ToString(), admin);
    }

    public async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        System.Data.Common.DbConnection connection = Provider == StorageProvider.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString())
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters) ?? throw new InvalidOperationException($"No value: {sql}");
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>The tables a refused request must leave alone, as row counts (one round trip).</summary>
    public async Task<string> DigestAsync(params string[] tables)
    {
        var sql = "SELECT " + string.Join(" || ',' || ", tables.Select(t => $"(SELECT COUNT(*) FROM {t})"));
        await using var connection = await OpenAsync();
        return (await connection.ExecuteScalarAsync<object>(sql))?.ToString() ?? "";
    }

    /// <summary><c>PRAGMA integrity_check</c> on SQLite ("ok" when sound); PostgreSQL answers "ok".</summary>
    public async Task<string> IntegrityCheckAsync()
    {
        if (Provider != StorageProvider.Sqlite)
        {
            return "ok";
        }
        var rows = await QueryAsync<string>("PRAGMA integrity_check");
        return string.Join("; ", rows);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var path = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
            return;
        }
        if (_adminConnectionString is null)
        {
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(ConnectionString).Database} WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // The private server of an outage test may already be gone with its data directory.
        }
    }
}
