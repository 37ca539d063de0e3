using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Admin;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary><c>/admin/events</c>: every event, newest start first.</summary>
[Authorize(Policy = AdminExtensions.Policy)]
internal sealed class AdminListModel(EventStore store, SiteClock clock) : PageModel
{
    public SiteClock Clock => clock;

    public IReadOnlyList<OfflineEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Events = await store.ListAsync(cancellationToken);
}
