using Npgsql;
using WxBind.Storage;

namespace WxBind.Tests.Infrastructure;

/// <summary>
/// The providers a storage-touching test runs on: SQLite always, PostgreSQL when
/// <c>WXBIND_TEST_POSTGRES</c> holds an admin connection string. When it is set and the server is
/// missing, creating the database fails the test: nothing is skipped silently.
/// </summary>
public static class TestDatabases
{
    public static string? PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("WXBIND_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;

    public static TheoryData<StorageProvider> Providers
    {
        get
        {
            var data = new TheoryData<StorageProvider> { StorageProvider.Sqlite };
            if (PostgresAdminConnectionString is not null)
            {
                data.Add(StorageProvider.Postgres);
            }
            return data;
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "wxbind-tests", $"{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return $"Data Source={path}";
        }

        var admin = PostgresAdminConnectionString
            ?? throw new InvalidOperationException("WXBIND_TEST_POSTGRES is not set.");
        var name = $"wxbind_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a <see cref="Database"/> over a fresh SQLite file in WAL mode,
    /// made with <paramref name="schema"/> (the test gets its connection string too), and removes the file afterwards.
    /// </summary>
    internal static async Task WithSqliteAsync(string schema, Func<Database, string, Task> test)
    {
        var connectionString = await CreateAsync(StorageProvider.Sqlite);
        try
        {
            await using var database = new Database(StorageProvider.Sqlite, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await Dapper.SqlMapper.ExecuteAsync(setup, "PRAGMA journal_mode = WAL; " + schema);
            }
            await test(database, connectionString);
        }
        finally
        {
            await DropAsync(StorageProvider.Sqlite, connectionString);
        }
    }

    public static async Task DropAsync(StorageProvider provider, string connectionString)
    {
        if (provider == StorageProvider.Sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresAdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
