using Dapper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Storage;

namespace WxBind.Admin;

/// <summary><c>/admin/audit</c>: what administrators did, newest first.</summary>
internal sealed class AuditModel(Database database) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public bool HasNext { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        await using var connection = await database.OpenAsync(cancellationToken);
        // One row more than a page tells whether there is a next page without counting them all.
        var rows = (await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            """
            SELECT a.id, a.actor_id, a.actor, a.action, a.subject, a.detail, a.at, u.email AS subject_email
            FROM admin_audit a LEFT JOIN users u ON u.id = a.subject
            ORDER BY a.id DESC LIMIT @take OFFSET @skip
            """, new { take = PageSize + 1, skip = (PageNumber - 1) * PageSize }, cancellationToken: cancellationToken))).ToList();
        HasNext = rows.Count > PageSize;
        Entries = rows.Take(PageSize).ToList();
    }
}

internal sealed class AuditEntry
{
    public long Id { get; set; }
    public string? ActorId { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string? Subject { get; set; }
    public string? SubjectEmail { get; set; }
    public string? Detail { get; set; }
    public DateTimeOffset At { get; set; }
}
