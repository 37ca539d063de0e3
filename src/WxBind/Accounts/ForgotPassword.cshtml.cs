using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace WxBind.Accounts;

/// <summary><c>/account/forgot-password</c>: asks for the e-mail; the answer never tells whether it has an account.</summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class ForgotPasswordModel : PageModel
{
    [BindProperty]
    public ForgotPasswordInput Input { get; set; } = new();

    public bool Sent { get; private set; }

    public bool Available => Resets.IsAvailable;

    private PasswordResetService Resets => HttpContext.RequestServices.GetRequiredService<PasswordResetService>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Available || !ModelState.IsValid)
        {
            return Page();
        }
        await Resets.RequestAsync(Input.Email, HttpContext.RequestAborted);
        Sent = true;
        return Page();
    }
}
