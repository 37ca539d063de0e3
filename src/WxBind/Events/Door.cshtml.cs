using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Admin;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary>
/// <c>/admin/events/{id}/door</c>: the full-screen check-in code for the venue's screen. The page
/// fetches a fresh code before the shown one stops being accepted, and shows the live count.
/// </summary>
[Authorize(Policy = AdminExtensions.Policy)]
internal sealed class DoorModel(EventStore store, SiteClock clock) : PageModel
{
    public OfflineEvent Event { get; private set; } = null!;

    /// <summary>Why no code is shown (draft, cancelled, ended); null when the door is open.</summary>
    public string? Closed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } item)
        {
            return NotFound();
        }
        Event = item;
        Closed = item.Status switch
        {
            EventStatus.Draft => "EventDoorDraft",
            EventStatus.Cancelled => "EventCancelledNote",
            _ when item.EndsAt <= clock.Now => "EventEndedNote",
            _ => null,
        };
        return Page();
    }
}
