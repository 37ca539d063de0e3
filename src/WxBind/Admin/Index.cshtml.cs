using Microsoft.AspNetCore.Mvc.RazorPages;

namespace WxBind.Admin;

/// <summary><c>/admin</c>: the dashboard.</summary>
internal sealed class IndexModel(DashboardQueries queries) : PageModel
{
    public Dashboard Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Dashboard = await queries.LoadAsync(cancellationToken);
}
