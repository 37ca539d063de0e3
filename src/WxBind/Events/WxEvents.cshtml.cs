using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Events;

/// <summary><c>/wx/events</c>: the events open to followers (the menu's 活动), with the user's sign-ups marked.</summary>
internal sealed class WxEventsModel(EventStore store, SiteClock clock, Database database) : PageModel
{
    public SiteClock Clock => clock;

    public IReadOnlyList<OfflineEvent> Events { get; private set; } = [];

    public IReadOnlySet<string> SignedUp { get; private set; } = new HashSet<string>();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Events = await store.ListOpenAsync(clock.Now, cancellationToken);
        if (User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            SignedUp = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT event_id FROM event_registrations WHERE user_id = @userId AND status = 'registered'",
                new { userId }, cancellationToken: cancellationToken))).ToHashSet();
        }
    }
}
