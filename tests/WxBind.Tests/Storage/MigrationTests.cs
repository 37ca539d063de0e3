using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

public sealed class MigrationTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Fact]
    public void BothProvidersHaveTheSameMigrationVersions()
    {
        var sqlite = MigrationRunner.LoadScripts(StorageProvider.Sqlite).Select(s => (s.Version, s.Name));
        var postgres = MigrationRunner.LoadScripts(StorageProvider.Postgres).Select(s => (s.Version, s.Name));

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgres);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task MigratingTwiceAppliesEachScriptOnce(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            var runner = new MigrationRunner(database, new FakeClock(), NullLogger<MigrationRunner>.Instance);

            await runner.MigrateAsync();
            await runner.MigrateAsync();

            await using var connection = await database.OpenAsync();
            var versions = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
            Assert.Equal(MigrationRunner.LoadScripts(provider).Select(s => s.Version), versions);
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task InstancesStartingTogetherMigrateOnce(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        var databases = Enumerable.Range(0, 4).Select(_ => new Database(provider, connectionString)).ToList();
        try
        {
            // Four "instances", each with its own connection factory, start at the same moment.
            using var start = new ManualResetEventSlim();
            var runs = databases.Select(db => Task.Run(async () =>
            {
                start.Wait();
                await new MigrationRunner(db, new FakeClock(), NullLogger<MigrationRunner>.Instance).MigrateAsync();
            })).ToList();
            start.Set();
            await Task.WhenAll(runs);

            await using var connection = await databases[0].OpenAsync();
            var rows = await connection.QueryAsync<(int Version, long Count)>("SELECT version, COUNT(*) FROM schema_migrations GROUP BY version");
            Assert.All(rows, row => Assert.Equal(1, row.Count));
            Assert.Equal(MigrationRunner.LoadScripts(provider).Count, rows.Count());
        }
        finally
        {
            foreach (var db in databases)
            {
                await db.DisposeAsync();
            }
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }
}
