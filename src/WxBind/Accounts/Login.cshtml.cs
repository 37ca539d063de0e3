using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace WxBind.Accounts;

[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class LoginModel : PageModel
{
    private readonly AccountService _accounts;

    public LoginModel(AccountService accounts) => _accounts = accounts;

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var (user, error) = await _accounts.CheckPasswordAsync(Input, HttpContext.RequestAborted);
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, error!);
            return Page();
        }
        await _accounts.SignInAsync(user);
        return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
    }
}
