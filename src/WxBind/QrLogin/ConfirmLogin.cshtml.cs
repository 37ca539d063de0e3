using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.QrSessions;

namespace WxBind.QrLogin;

/// <summary>
/// <c>/wx/confirm-login/{id}?t=…</c>, opened from the link WeChat sent the scanner: which site,
/// which browser, when — then 确认登录 or 取消. The token is single use.
/// </summary>
public sealed class ConfirmLoginModel : PageModel
{
    private QrLoginService Login => HttpContext.RequestServices.GetRequiredService<QrLoginService>();

    [BindProperty(SupportsGet = true, Name = "t")]
    public string? Token { get; set; }

    public string Browser { get; private set; } = "";

    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary><c>confirmed</c>, <c>cancelled</c> or <c>invalid</c> once answered or refused.</summary>
    public string? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var session = await Login.FindForConfirmationAsync(id, Token, HttpContext.RequestAborted);
        if (session is null)
        {
            return Refused();
        }
        Browser = UserAgentSummary.Of(session.UserAgent);
        RequestedAt = session.CreatedAt;
        return Page();
    }

    public Task<IActionResult> OnPostConfirmAsync(string id) => AnswerAsync(id, confirm: true);

    public Task<IActionResult> OnPostCancelAsync(string id) => AnswerAsync(id, confirm: false);

    private async Task<IActionResult> AnswerAsync(string id, bool confirm)
    {
        if (!await Login.AnswerAsync(id, Token, confirm, HttpContext.RequestAborted))
        {
            return Refused();
        }
        Outcome = confirm ? "confirmed" : "cancelled";
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
