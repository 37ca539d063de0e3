using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WxBind.Admin;
using WxBind.Localization;
using WxBind.QrSessions;

namespace WxBind.Events;

/// <summary><c>/admin/events/new</c> and <c>/admin/events/{id}/edit</c>: an event's details.</summary>
[Authorize(Policy = AdminExtensions.Policy)]
internal sealed class AdminEditModel(EventStore store, SiteClock clock, AuditLog audit, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public EventInput Input { get; set; } = new();

    public OfflineEvent? Existing { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? id, CancellationToken cancellationToken)
    {
        if (id is null)
        {
            // A sensible start: tomorrow afternoon, sign-up until it starts.
            var start = clock.ToLocal(clock.Now).Date.AddDays(1).AddHours(14);
            Input = new EventInput { StartsAt = start, EndsAt = start.AddHours(3), SignupDeadline = start, Capacity = 50 };
            return Page();
        }
        Existing = await store.GetAsync(id, cancellationToken);
        if (Existing is null)
        {
            return NotFound();
        }
        Input = new EventInput
        {
            Title = Existing.Title,
            Description = Existing.Description,
            Place = Existing.Place,
            StartsAt = clock.ToLocal(Existing.StartsAt),
            EndsAt = clock.ToLocal(Existing.EndsAt),
            SignupDeadline = clock.ToLocal(Existing.SignupDeadline),
            Capacity = Existing.Capacity,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? id, CancellationToken cancellationToken)
    {
        if (id is not null && (Existing = await store.GetAsync(id, cancellationToken)) is null)
        {
            return NotFound();
        }
        if (Input.StartsAt is { } s && Input.EndsAt is { } e && e <= s)
        {
            ModelState.AddModelError("Input.EndsAt", text["EventEndsBeforeStart"]);
        }
        if (Input.SignupDeadline is { } d && Input.EndsAt is { } end && d > end)
        {
            ModelState.AddModelError("Input.SignupDeadline", text["EventDeadlineAfterEnd"]);
        }
        if (Existing?.Status == EventStatus.Cancelled)
        {
            ModelState.AddModelError(string.Empty, text["EventCancelledNoEdit"]);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var now = clock.Now;
        var item = Existing ?? new OfflineEvent { Id = BrowserKey.NewId(12), Status = EventStatus.Draft, CreatedAt = now };
        item.Title = Input.Title.Trim();
        item.Description = Input.Description?.Trim() ?? "";
        item.Place = Input.Place.Trim();
        item.StartsAt = clock.FromLocal(Input.StartsAt!.Value);
        item.EndsAt = clock.FromLocal(Input.EndsAt!.Value);
        item.SignupDeadline = clock.FromLocal(Input.SignupDeadline!.Value);
        item.Capacity = Input.Capacity!.Value;
        item.UpdatedAt = now;

        if (Existing is null)
        {
            await store.InsertAsync(item, cancellationToken);
            await audit.RecordAsync(AuditActor.From(User), "event.create", item.Id, item.Title, cancellationToken);
        }
        else
        {
            if (!await store.UpdateDetailsAsync(item, cancellationToken))
            {
                ModelState.AddModelError("Input.Capacity", text["EventCapacityBelowSignups", Existing.Registered]);
                return Page();
            }
            await audit.RecordAsync(AuditActor.From(User), "event.edit", item.Id, item.Title, cancellationToken);
        }
        return LocalRedirect($"/admin/events/{item.Id}");
    }
}
