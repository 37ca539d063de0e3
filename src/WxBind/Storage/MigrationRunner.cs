using System.Data.Common;
using System.Reflection;
using Dapper;

namespace WxBind.Storage;

/// <summary>
/// Applies the versioned scripts in <c>Storage/Migrations/{Sqlite|Postgres}/NNNN_name.sql</c>
/// in order, each in its own transaction, recording them in <c>schema_migrations</c>.
/// Two instances starting together serialise on a lock (a PostgreSQL advisory lock, or SQLite's
/// write lock), so each script runs exactly once.
/// </summary>
internal sealed partial class MigrationRunner(Database database, TimeProvider time, ILogger<MigrationRunner> logger)
{
    // Any fixed 64-bit number unique to this application's migrations.
    private const long AdvisoryLockKey = 0x5778_4269_6E64_0001;

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = LoadScripts(database.Provider);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }

        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)",
                cancellationToken: cancellationToken));

            foreach (var script in scripts)
            {
                await ApplyAsync(connection, script, cancellationToken);
            }
        }
        finally
        {
            if (database.IsPostgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey });
            }
        }
    }

    private async Task ApplyAsync(DbConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        // On SQLite, BEGIN IMMEDIATE takes the write lock before the check, so a second process
        // waits here and then sees the version already recorded.
        await using var transaction = connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(cancellationToken);

        var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version", new { script.Version }, transaction, cancellationToken: cancellationToken));
        if (applied > 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
            new { script.Version, script.Name, AppliedAt = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, script.Version, script.Name);
    }

    internal static IReadOnlyList<MigrationScript> LoadScripts(StorageProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"WxBind.Storage.Migrations.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Parse(assembly, n, prefix))
            .OrderBy(s => s.Version)
            .ToList();
    }

    private static MigrationScript Parse(Assembly assembly, string resource, string prefix)
    {
        // "0001_accounts.sql" → version 1, name "accounts"
        var file = resource[prefix.Length..^".sql".Length];
        var underscore = file.IndexOf('_', StringComparison.Ordinal);
        var version = int.Parse(file[..underscore].TrimStart('_'), System.Globalization.CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new MigrationScript(version, file[(underscore + 1)..], reader.ReadToEnd());
    }

    [LoggerMessage(1001, LogLevel.Information, "Applied migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);
}

internal sealed record MigrationScript(int Version, string Name, string Sql);
