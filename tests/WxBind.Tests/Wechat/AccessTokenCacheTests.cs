using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Wechat;

/// <summary>
/// The token refresh and the process's writes: a fetch that waits for WeChat holds up no other
/// write, and it never writes a caller's enlisted record.
/// </summary>
public sealed class AccessTokenCacheTests
{
    // Only a guard against a hang: a write stuck behind the fetch waits until the fetch is released.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task WritesGetTheirTurnWhileATokenFetchWaitsForWechat(StorageProvider provider)
    {
        await using var store = await TokenStore.CreateAsync(provider);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);

        var token = store.Cache.GetAsync(_ => { asked.TrySetResult(); return answer.Task; }, CancellationToken.None).AsTask();
        await asked.Task.WaitAsync(Guard);

        // WeChat has not answered yet: a push's write must not wait for it.
        var write = Task.Run(async () =>
        {
            await using var connection = await store.Database.OpenForWriteAsync();
            await connection.ExecuteAsync("INSERT INTO link_nonces (nonce, expires_at) VALUES ('n1', 0)");
        });
        var first = await Task.WhenAny(write, Task.Delay(Guard));
        answer.SetResult(("TOKEN_1", 7200));

        Assert.Same(write, first);
        await write;
        Assert.Equal("TOKEN_1", await token);
        Assert.Equal("TOKEN_1", await store.StoredTokenAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TokenRefreshLeavesTheCallersEnlistedWriteAlone(StorageProvider provider)
    {
        await using var store = await TokenStore.CreateAsync(provider);

        using var enlistment = WriteEnlistment.Begin((connection, transaction, cancellationToken) => connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO link_nonces (nonce, expires_at) VALUES ('enlisted', 0) ON CONFLICT (nonce) DO NOTHING", transaction: transaction, cancellationToken: cancellationToken)));
        var token = await store.Cache.GetAsync(_ => Task.FromResult(("TOKEN_1", 7200)), CancellationToken.None);

        Assert.Equal("TOKEN_1", token);
        Assert.Equal("TOKEN_1", await store.StoredTokenAsync());
        // The push's record commits with the push's own change, never with the token.
        Assert.False(enlistment.Used);
        await using var connection = await store.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM link_nonces"));
    }

    private sealed class TokenStore(StorageProvider provider, string connectionString, Database database) : IAsyncDisposable
    {
        public Database Database { get; } = database;

        public AccessTokenCache Cache { get; } = new(database, Options.Create(new WechatOptions { AppId = "wx_cache_test" }),
            TimeProvider.System, NullLogger<AccessTokenCache>.Instance);

        public static async Task<TokenStore> CreateAsync(StorageProvider provider)
        {
            var connectionString = await TestDatabases.CreateAsync(provider);
            var database = new Database(provider, connectionString);
            await new MigrationRunner(database, TimeProvider.System, NullLogger<MigrationRunner>.Instance).MigrateAsync();
            return new TokenStore(provider, connectionString, database);
        }

        public async Task<string?> StoredTokenAsync()
        {
            await using var connection = await Database.OpenAsync();
            return await connection.ExecuteScalarAsync<string?>("SELECT access_token FROM wechat_tokens WHERE app_id = 'wx_cache_test'");
        }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            await TestDatabases.DropAsync(provider, connectionString);
        }
    }
}
