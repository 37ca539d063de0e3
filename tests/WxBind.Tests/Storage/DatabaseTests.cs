using Dapper;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Storage;

public sealed class DatabaseTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task WriteTurnIsReturnedWhenTheConnectionIsDisposed(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            for (var i = 0; i < 3; i++)
            {
                await using var connection = await database.OpenForWriteAsync();
                await connection.ExecuteScalarAsync<int>("SELECT 1");
            }
            var (c, t) = await database.BeginAsync();
            await t.DisposeAsync();
            await c.DisposeAsync();
            await c.DisposeAsync(); // a second dispose must not hand out a second turn

            // Two turns at once would let both of these in; one must wait for the other.
            await using var first = await database.OpenForWriteAsync();
            var second = database.OpenForWriteAsync().AsTask();
            if (provider == StorageProvider.Sqlite)
            {
                Assert.False(second.IsCompleted);
            }
            await first.DisposeAsync();
            await using var _ = await second;
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConcurrentWritersAllCommit(StorageProvider provider)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        try
        {
            await using var database = new Database(provider, connectionString);
            await using (var setup = await database.OpenForWriteAsync())
            {
                await setup.ExecuteAsync("CREATE TABLE counter_rows (id integer PRIMARY KEY)");
            }

            await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(async () =>
            {
                await using var connection = await database.OpenForWriteAsync();
                await connection.ExecuteAsync("INSERT INTO counter_rows (id) VALUES (@i)", new { i });
            })));

            await using var read = await database.OpenAsync();
            Assert.Equal(40, await read.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM counter_rows"));
        }
        finally
        {
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }
}
