using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Admin;

/// <summary>The dashboard's figures, each one indexed query.</summary>
internal sealed class DashboardQueries(Database database, IOptions<WechatOptions> wechat, TimeProvider time)
{
    public async Task<Dashboard> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var appId = wechat.Value.AppId;
        var users = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken));
        var bindings = await connection.QuerySingleAsync<(long Bindings, long Followers)>(new CommandDefinition(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN subscribed THEN 1 ELSE 0 END), 0) FROM wechat_bindings WHERE app_id = @appId",
            new { appId }, cancellationToken: cancellationToken));
        return new Dashboard(time.GetUtcNow(), users, bindings.Bindings, bindings.Followers);
    }
}

internal sealed record Dashboard(DateTimeOffset At, long Users, long Bindings, long Followers);
