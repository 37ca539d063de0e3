using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Admin;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary>
/// <c>/admin/events/{id}</c>: the event, its live counts, the attendees (search, check in by
/// hand, undo), the latest scans with their reasons, and the ways to publish or cancel it.
/// </summary>
[Authorize(Policy = AdminExtensions.Policy)]
internal sealed class AdminEventModel(EventStore store, SiteClock clock, AuditLog audit) : PageModel
{
    public SiteClock Clock => clock;

    public OfflineEvent Event { get; private set; } = null!;

    public IReadOnlyList<Attendee> Attendees { get; private set; } = [];

    public IReadOnlyList<CheckinRecord> Scans { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    /// <summary>The attendee and scan tables alone, for the live refresh.</summary>
    public async Task<IActionResult> OnGetTablesAsync(string id, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        return await LoadAsync(id, cancellationToken) ? Partial("_EventTables", this) : NotFound();
    }

    public Task<IActionResult> OnPostPublishAsync(string id, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, EventStatus.Draft, EventStatus.Published, "event.publish", cancellationToken);

    public Task<IActionResult> OnPostCancelEventAsync(string id, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, EventStatus.Published, EventStatus.Cancelled, "event.cancel", cancellationToken);

    public async Task<IActionResult> OnPostCheckInAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } item)
        {
            return NotFound();
        }
        var registration = await store.GetRegistrationAsync(id, userId, cancellationToken);
        if (registration is not { Status: "registered" })
        {
            return Done(id, "not-registered");
        }
        var result = await store.CheckInAsync(id, userId, null, "manual", clock.Now, cancellationToken);
        if (result.Outcome == CheckinOutcome.Ok)
        {
            await audit.RecordAsync(AuditActor.From(User), "checkin.manual", userId, $"{item.Title} ({item.Id})", cancellationToken);
        }
        await PublishAsync(id, cancellationToken);
        return Done(id, result.Outcome == CheckinOutcome.Ok ? "checked-in" : "already");
    }

    public async Task<IActionResult> OnPostUndoAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } item)
        {
            return NotFound();
        }
        var actor = AuditActor.From(User);
        var undone = await store.UndoCheckInAsync(id, userId, clock.Now,
            (connection, transaction) => audit.RecordAsync(connection, transaction, actor, "checkin.undo", userId, $"{item.Title} ({item.Id})", cancellationToken),
            cancellationToken);
        await PublishAsync(id, cancellationToken);
        return Done(id, undone ? "undone" : "not-checked-in");
    }

    private async Task<IActionResult> ChangeStatusAsync(string id, string from, string to, string action, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } item)
        {
            return NotFound();
        }
        if (!await store.SetStatusAsync(id, from, to, clock.Now, cancellationToken))
        {
            return Done(id, "status-unchanged");
        }
        await audit.RecordAsync(AuditActor.From(User), action, id, item.Title, cancellationToken);
        await PublishAsync(id, cancellationToken);
        return Done(id, to);
    }

    private Task PublishAsync(string id, CancellationToken cancellationToken) =>
        HttpContext.RequestServices.GetRequiredService<EventService>().PublishAsync(id, cancellationToken).AsTask();

    private LocalRedirectResult Done(string id, string notice) =>
        LocalRedirect($"/admin/events/{Uri.EscapeDataString(id)}?notice={notice}" + (string.IsNullOrEmpty(Search) ? "" : "&q=" + Uri.EscapeDataString(Search)));

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } item)
        {
            return false;
        }
        Event = item;
        Search = Search?.Trim() is { Length: > 0 and <= 100 } s ? s : null;
        Attendees = await store.AttendeesAsync(id, Search, cancellationToken);
        Scans = await store.RecentCheckinsAsync(id, 50, cancellationToken);
        return true;
    }
}
