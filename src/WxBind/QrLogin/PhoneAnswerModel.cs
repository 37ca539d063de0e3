using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Binding;
using WxBind.Localization;
using WxBind.QrSessions;

namespace WxBind.QrLogin;

/// <summary>
/// A page the scanner opens from WeChat to answer for the waiting browser (confirm a login, or
/// agree to a binding): what is asked, by which browser, from which IP address and when; then
/// yes or no, once, with the link's single-use token.
/// </summary>
public abstract class PhoneAnswerModel : PageModel
{
    private protected QrLoginService Login => HttpContext.RequestServices.GetRequiredService<QrLoginService>();

    [BindProperty(SupportsGet = true, Name = "t")]
    public string? Token { get; set; }

    /// <summary>What the scanner is shown about the waiting browser; null once answered or refused.</summary>
    public ScanFacts? Facts { get; private set; }

    /// <summary><c>yes</c>, <c>no</c> or <c>invalid</c> once answered or refused.</summary>
    public string? Outcome { get; private set; }

    /// <summary>The session status this page answers.</summary>
    private protected abstract string Awaits { get; }

    private protected abstract Task<bool> AnswerAsync(string id, bool yes);

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (await Login.FindOnPhoneAsync(id, Token, Awaits, HttpContext.RequestAborted) is not var (session, account))
        {
            return Refused();
        }
        var facts = Login.FactsOf(session);
        var clock = HttpContext.RequestServices.GetRequiredService<SiteClock>();
        Facts = new ScanFacts(
            account is null ? null : $"「{Masking.DisplayName(account.DisplayName)}」（{Masking.Email(account.Email)}）",
            facts.Browser, facts.Ip, clock.Format(session.CreatedAt, SiteClock.SecondsFormat),
            clock.IsChinaTime ? null : clock.UtcOffset(session.CreatedAt));
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(string id) => await AnswerAsync(id, yes: true) ? Answered("yes") : Refused();

    public async Task<IActionResult> OnPostCancelAsync(string id) => await AnswerAsync(id, yes: false) ? Answered("no") : Refused();

    private PageResult Answered(string outcome)
    {
        Outcome = outcome;
        return Page();
    }

    // A tampered, replayed or late link: one clear page, and nothing changes.
    private PageResult Refused()
    {
        Outcome = "invalid";
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}

/// <summary>
/// The waiting browser as the scanner sees it; <paramref name="Account"/> (masked) only for a login.
/// <paramref name="AskedAt"/> is in the site's zone: China time, or else the zone's <paramref name="UtcOffset"/>.
/// </summary>
public sealed record ScanFacts(string? Account, string Browser, string? Ip, string AskedAt, string? UtcOffset);
