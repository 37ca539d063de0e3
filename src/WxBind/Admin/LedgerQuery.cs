using System.Text;
using WxBind.Localization;

namespace WxBind.Admin;

/// <summary>The ledger's filters (action, date range in the site's zone, user) as SQL, shared by the page and its CSV export.</summary>
internal sealed record LedgerQuery(string? Action, DateOnly? From, DateOnly? To, string? UserId)
{
    public const string Columns = "l.id, l.action, l.user_id, u.email, u.display_name, l.openid, l.detail, l.at";
    public const string Source = "FROM binding_ledger l LEFT JOIN users u ON u.id = l.user_id";

    public static readonly string[] Actions =
        [Storage.LedgerAction.Bound, Storage.LedgerAction.Unbound, Storage.LedgerAction.Conflict, Storage.LedgerAction.QrLogin,
         Storage.LedgerAction.Unsubscribed, Storage.LedgerAction.Resubscribed];

    /// <summary>The WHERE clause and its parameters; dates are whole days in the site's zone.</summary>
    public (string Where, object Parameters) ToSql(SiteClock clock)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        DateTimeOffset? since = null, until = null;
        if (Action is not null)
        {
            where.Append(" AND l.action = @action");
        }
        if (From is { } from)
        {
            since = clock.StartOf(from);
            where.Append(" AND l.at >= @since");
        }
        if (To is { } to)
        {
            until = clock.StartOf(to.AddDays(1));
            where.Append(" AND l.at < @until");
        }
        if (UserId is not null)
        {
            where.Append(" AND l.user_id = @userId");
        }
        return (where.ToString(), new { action = Action, since = since ?? default, until = until ?? default, userId = UserId });
    }
}

internal sealed class LedgerRow
{
    public long Id { get; set; }
    public string Action { get; set; } = "";
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public string? DisplayName { get; set; }
    public string OpenId { get; set; } = "";
    public string? Detail { get; set; }
    public DateTimeOffset At { get; set; }
}
