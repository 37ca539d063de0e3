using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Admin;

/// <summary>Finds accounts by e-mail or display name (contains) or by openid (prefix), newest first.</summary>
internal sealed class UserSearch(Database database, IOptions<WechatOptions> wechat)
{
    public const int PageSize = 25;

    public async Task<(IReadOnlyList<UserRow> Rows, bool HasNext)> SearchAsync(string? query, int page, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT u.id, u.email, u.display_name, u.created_at, u.is_admin, b.openid, b.subscribed, b.bound_at
            FROM users u LEFT JOIN wechat_bindings b ON b.user_id = u.id AND b.app_id = @appId
            """);
        var q = query?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            // LIKE patterns with the user's own % and _ taken literally.
            var escaped = q.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
            sql.Append(
                """
                 WHERE u.normalized_email LIKE @email ESCAPE '\' OR LOWER(u.display_name) LIKE @name ESCAPE '\' OR b.openid LIKE @openId ESCAPE '\'
                """);
            q = escaped;
        }
        sql.Append(" ORDER BY u.created_at DESC, u.id LIMIT @take OFFSET @skip");
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<UserRow>(new CommandDefinition(sql.ToString(), new
        {
            appId = wechat.Value.AppId,
            email = $"%{q?.ToUpperInvariant()}%",
            name = $"%{q?.ToLowerInvariant()}%",
            openId = $"{q}%",
            take = PageSize + 1,
            skip = (Math.Max(1, page) - 1) * PageSize,
        }, cancellationToken: cancellationToken))).ToList();
        return (rows.Take(PageSize).ToList(), rows.Count > PageSize);
    }
}

internal sealed class UserRow
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public bool IsAdmin { get; set; }
    public string? OpenId { get; set; }
    public bool? Subscribed { get; set; }
    public DateTimeOffset? BoundAt { get; set; }
}
