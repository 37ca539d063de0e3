using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Admin;

/// <summary>
/// The dashboard's figures in five indexed queries. Days are calendar days in the site's zone
/// (at today's offset from UTC: a day of a daylight-saving change is an hour off at one end);
/// the per-day figures are grouped in SQL (integer division of the millisecond timestamps), so
/// the page costs the same with a hundred or a hundred thousand ledger rows.
/// </summary>
internal sealed class DashboardQueries(Database database, IOptions<WechatOptions> wechat, SiteClock clock)
{
    public const int Days = 30;
    private const long DayMs = 86_400_000;

    public async Task<Dashboard> LoadAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        var offsetMs = (long)clock.Zone.GetUtcOffset(now).TotalMilliseconds;
        var today = (now.ToUnixTimeMilliseconds() + offsetMs) / DayMs;
        var firstDay = today - Days + 1;
        var since = DateTimeOffset.FromUnixTimeMilliseconds(firstDay * DayMs - offsetMs);
        var appId = wechat.Value.AppId;

        await using var connection = await database.OpenAsync(cancellationToken);
        var users = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken));
        var bindings = await connection.QuerySingleAsync<(long Bindings, long Followers)>(new CommandDefinition(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN subscribed THEN 1 ELSE 0 END), 0) FROM wechat_bindings WHERE app_id = @appId",
            new { appId }, cancellationToken: cancellationToken));

        var perDay = await connection.QueryAsync<(string Action, long Day, long Count)>(new CommandDefinition(
            """
            SELECT action, (at + @offsetMs) / 86400000 AS day, COUNT(*)
            FROM binding_ledger
            WHERE action IN ('bound', 'unbound') AND at >= @since
            GROUP BY action, day
            """, new { offsetMs, since }, cancellationToken: cancellationToken));
        var days = Enumerable.Range(0, Days).Select(i => new DayCount(
            DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds((firstDay + i) * DayMs).UtcDateTime), 0, 0)).ToArray();
        foreach (var (action, day, count) in perDay)
        {
            var i = (int)(day - firstDay);
            if (i is >= 0 and < Days)
            {
                days[i] = action == LedgerAction.Bound ? days[i] with { Binds = count } : days[i] with { Unbinds = count };
            }
        }

        var funnel = await connection.QueryAsync<FunnelRow>(new CommandDefinition(
            """
            SELECT purpose, COUNT(*) AS created,
                   SUM(CASE WHEN openid IS NOT NULL THEN 1 ELSE 0 END) AS scanned,
                   SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
                   SUM(CASE WHEN status = 'conflict' THEN 1 ELSE 0 END) AS conflicts,
                   SUM(CASE WHEN status = 'expired' OR (status NOT IN ('completed', 'conflict', 'cancelled') AND expires_at <= @now) THEN 1 ELSE 0 END) AS expired,
                   SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled
            FROM qr_sessions
            WHERE created_at >= @since
            GROUP BY purpose
            ORDER BY purpose
            """, new { since, now }, cancellationToken: cancellationToken));

        var failures = await connection.QueryAsync<DeliveryFailure>(new CommandDefinition(
            """
            SELECT d.kind, d.openid, d.user_id, u.email, d.purpose, d.template_id, d.errcode, d.errmsg, d.outcome, d.at
            FROM wechat_deliveries d LEFT JOIN users u ON u.id = d.user_id
            WHERE d.outcome IN ('refused', 'failed')
            ORDER BY d.at DESC, d.id DESC
            LIMIT 10
            """, cancellationToken: cancellationToken));

        return new Dashboard(now, users, bindings.Bindings, bindings.Followers,
            days[^1].Binds, days[^7..].Sum(d => d.Binds), days.Sum(d => d.Binds),
            days, funnel.ToList(), failures.ToList());
    }
}

internal sealed record Dashboard(
    DateTimeOffset At, long Users, long Bindings, long Followers,
    long BoundToday, long Bound7Days, long Bound30Days,
    IReadOnlyList<DayCount> Days, IReadOnlyList<FunnelRow> Funnel, IReadOnlyList<DeliveryFailure> Failures);

internal sealed record DayCount(DateOnly Day, long Binds, long Unbinds);

/// <summary>QR sessions of one purpose created in the last 30 days, and how far they got.</summary>
internal sealed class FunnelRow
{
    public string Purpose { get; set; } = "";
    public long Created { get; set; }
    public long Scanned { get; set; }
    public long Completed { get; set; }
    public long Conflicts { get; set; }
    public long Expired { get; set; }
    public long Cancelled { get; set; }
}

internal sealed class DeliveryFailure
{
    public string Kind { get; set; } = "";
    public string OpenId { get; set; } = "";
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public string? Purpose { get; set; }
    public string? TemplateId { get; set; }
    public long ErrCode { get; set; }
    public string? ErrMsg { get; set; }
    public string Outcome { get; set; } = "";
    public DateTimeOffset At { get; set; }
}
