using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace WxBind.Accounts;

/// <summary>
/// <c>/account/reset-password?user=…&amp;token=…</c>: the link from the mail. A used, expired or
/// altered link gets a page saying so, with the way to ask for a new one; nothing changes.
/// </summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class ResetPasswordModel : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public ResetPasswordInput Input { get; set; } = new();

    public bool LinkWorks { get; private set; }

    private PasswordResetService Resets => HttpContext.RequestServices.GetRequiredService<PasswordResetService>();

    public async Task OnGetAsync() => LinkWorks = await Resets.FindForLinkAsync(UserId, Token) is not null;

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await Resets.FindForLinkAsync(UserId, Token);
        LinkWorks = user is not null;
        if (user is null || !ModelState.IsValid)
        {
            return Page();
        }
        var errors = await Resets.ResetAsync(user, Token!, Input.Password, HttpContext.RequestAborted);
        if (errors is null)
        {
            LinkWorks = false;
            return Page();
        }
        foreach (var error in errors)
        {
            ModelState.AddModelError("Input.Password", error);
        }
        return errors.Count == 0 ? LocalRedirect("/account/login?reset=1") : Page();
    }
}
