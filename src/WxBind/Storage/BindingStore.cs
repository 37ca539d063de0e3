using System.Data.Common;
using Dapper;

namespace WxBind.Storage;

/// <summary>
/// The bindings and their ledger. Methods take the caller's connection and transaction, so that a
/// binding, its ledger entry and the QR session it completes commit together.
/// </summary>
internal sealed class BindingStore(Database database, TimeProvider time)
{
    private const string Columns = "user_id, app_id, openid, unionid, subscribed, bound_at";

    public async Task<WechatBinding?> FindByUserAsync(string userId, string appId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindByUserAsync(connection, null, userId, appId, cancellationToken);
    }

    public async Task<WechatBinding?> FindByOpenIdAsync(string appId, string openId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindByOpenIdAsync(connection, null, appId, openId, cancellationToken);
    }

    public static Task<WechatBinding?> FindByUserAsync(DbConnection connection, DbTransaction? transaction, string userId, string appId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<WechatBinding>(new CommandDefinition(
            $"SELECT {Columns} FROM wechat_bindings WHERE user_id = @userId AND app_id = @appId", new { userId, appId }, transaction, cancellationToken: cancellationToken));

    public static Task<WechatBinding?> FindByOpenIdAsync(DbConnection connection, DbTransaction? transaction, string appId, string openId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<WechatBinding>(new CommandDefinition(
            $"SELECT {Columns} FROM wechat_bindings WHERE app_id = @appId AND openid = @openId", new { appId, openId }, transaction, cancellationToken: cancellationToken));

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, WechatBinding binding, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO wechat_bindings ({Columns}) VALUES (@UserId, @AppId, @OpenId, @UnionId, @Subscribed, @BoundAt)",
            binding, transaction, cancellationToken: cancellationToken));

    /// <summary>Deletes the binding if it is still the one described; returns whether it did.</summary>
    public static async Task<bool> DeleteAsync(DbConnection connection, DbTransaction transaction, WechatBinding binding, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM wechat_bindings WHERE user_id = @UserId AND app_id = @AppId AND openid = @OpenId",
            binding, transaction, cancellationToken: cancellationToken)) == 1;

    public static Task SetSubscribedAsync(DbConnection connection, DbTransaction transaction, string appId, string openId, bool subscribed, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE wechat_bindings SET subscribed = @subscribed WHERE app_id = @appId AND openid = @openId",
            new { appId, openId, subscribed }, transaction, cancellationToken: cancellationToken));

    public Task AppendLedgerAsync(DbConnection connection, DbTransaction? transaction, string action, string? userId, string appId, string openId, string? detail, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO binding_ledger (action, user_id, app_id, openid, detail, at) VALUES (@action, @userId, @appId, @openId, @detail, @at)",
            new { action, userId, appId, openId, detail, at = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));

    /// <summary>True for a unique-index violation on either provider: a concurrent writer won.</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        _ => false,
    };
}
