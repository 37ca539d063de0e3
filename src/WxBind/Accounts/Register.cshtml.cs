using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace WxBind.Accounts;

[EnableRateLimiting(AccountsExtensions.RegisterRateLimit)]
public sealed class RegisterModel : PageModel
{
    private readonly AccountService _accounts;

    public RegisterModel(AccountService accounts) => _accounts = accounts;

    [BindProperty]
    public RegisterInput Input { get; set; } = new();

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
        var (user, errors) = await _accounts.RegisterAsync(Input);
        if (user is null)
        {
            foreach (var error in errors)
            {
                ModelState.AddModelError(string.Empty, error);
            }
            return Page();
        }
        await _accounts.SignInAsync(user);
        TempData["Notice"] = "registered";
        return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
    }
}
