using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary>
/// What <c>/wx/events/{id}</c> (inside WeChat) and <c>/events/{id}</c> (the website) share: the
/// event, the signed-in user's registration, sign-up and cancel, and the completion of a door
/// scan that waited for the scanner to bind.
/// </summary>
internal abstract class EventSignupPageModel(EventStore store, SiteClock clock) : PageModel
{
    public SiteClock Clock => clock;

    public OfflineEvent Event { get; private set; } = null!;

    public Attendee? Registration { get; private set; }

    /// <summary>Resource key of why sign-up is closed; null while it is open.</summary>
    public string? ClosedReason { get; private set; }

    /// <summary>A notice after an action (resource key), and whether it is bad news.</summary>
    public string? NoticeKey { get; private set; }

    public bool NoticeIsWarning { get; private set; }

    /// <summary>The reply of a pending check-in completed by this visit.</summary>
    public string? CheckinReply { get; private set; }

    public bool IsRegistered => Registration is { Status: "registered" };

    /// <summary>How this page's sign-ups are recorded (<c>wechat</c> or <c>web</c>).</summary>
    protected abstract string Via { get; }

    /// <summary>What a visitor without a login gets: the in-WeChat proof of identity, or the login page.</summary>
    protected abstract IActionResult SignInFirst(string id);

    private EventService Events => HttpContext.RequestServices.GetRequiredService<EventService>();

    private string? UserId => User.Identity?.IsAuthenticated == true ? User.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    public async Task<IActionResult> OnGetAsync(string id, string? notice, CancellationToken cancellationToken)
    {
        if (!await LoadEventAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (UserId is not { } userId)
        {
            return SignInFirst(id);
        }
        if (await Events.CompletePendingAsync(Event, userId, cancellationToken) is { } checkin)
        {
            CheckinReply = checkin.Reply;
            Event = (await store.GetAsync(id, cancellationToken))!;
        }
        (NoticeKey, NoticeIsWarning) = notice switch
        {
            "signed-up" => ("EventNoticeSignedUp", false),
            "already" => ("EventNoticeAlreadySignedUp", false),
            "full" => ("EventNoticeFull", true),
            "closed" => (ClosedReason ?? "EventSignupClosed", true),
            "cancelled" => ("EventNoticeSignupCancelled", false),
            "not-cancelled" => ("EventNoticeCannotCancel", true),
            _ => (null, false),
        };
        Registration = await store.GetRegistrationAsync(id, userId, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSignUpAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadEventAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (UserId is not { } userId)
        {
            return SignInFirst(id);
        }
        if (ClosedReason is not null)
        {
            return Back("closed");
        }
        var result = await Events.SignUpAsync(Event, userId, Via, cancellationToken);
        return Back(result switch
        {
            SignupResult.Registered => "signed-up",
            SignupResult.Already => "already",
            _ => "full",
        });
    }

    public async Task<IActionResult> OnPostCancelAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadEventAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (UserId is not { } userId)
        {
            return SignInFirst(id);
        }
        return Back(await Events.CancelAsync(Event, userId, cancellationToken) ? "cancelled" : "not-cancelled");
    }

    private LocalRedirectResult Back(string notice) => LocalRedirect($"{Request.Path}?notice={notice}");

    /// <summary>A published (or cancelled, to say so) event; drafts do not exist for the public.</summary>
    private async Task<bool> LoadEventAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { Status: not EventStatus.Draft } item)
        {
            return false;
        }
        Event = item;
        ClosedReason = Events.SignupClosedReason(item);
        return true;
    }
}
