using System.Data.Common;
using Dapper;

namespace WxBind.Reliability.Load;

/// <summary>The site answered a registration with its success redirect: the account exists, once.</summary>
public sealed record AcknowledgedRegistration(string Email) : IAcknowledgedWrite
{
    public string Kind => "registration";

    public async Task<string?> CheckAsync(DbConnection database)
    {
        var count = await database.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users WHERE email = @Email", this);
        return count == 1 ? null : $"account {Email}: {count} rows";
    }
}

/// <summary>WeChat showed 绑定成功: the binding and its one ledger entry exist.</summary>
public sealed record AcknowledgedBinding(string Email, string OpenId) : IAcknowledgedWrite
{
    public string Kind => "binding";

    public async Task<string?> CheckAsync(DbConnection database)
    {
        var bindings = await database.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM wechat_bindings b JOIN users u ON u.id = b.user_id WHERE u.email = @Email AND b.openid = @OpenId", this);
        var ledger = await database.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM binding_ledger WHERE action = 'bound' AND openid = @OpenId", this);
        return bindings == 1 && ledger == 1 ? null : $"binding {Email} ↔ {OpenId}: {bindings} bindings, {ledger} ledger entries";
    }
}

/// <summary>WeChat showed the 确认登录 link: the login session waits for (or has) the confirmation.</summary>
public sealed record AcknowledgedLoginScan(string SessionId) : IAcknowledgedWrite
{
    public string Kind => "qr-login scan";

    public async Task<string?> CheckAsync(DbConnection database)
    {
        var session = await database.QuerySingleOrDefaultAsync<(string Status, string? OpenId)>(
            "SELECT status, openid FROM qr_sessions WHERE id = @SessionId", this);
        // A long run outlives the code: unanswered, it expires, and the scan's openid stays recorded.
        return session.Status is "awaiting_confirmation" or "completed" || (session.Status == "expired" && session.OpenId is not null)
            ? null
            : $"login session {SessionId}: {session.Status ?? "missing"}";
    }
}
