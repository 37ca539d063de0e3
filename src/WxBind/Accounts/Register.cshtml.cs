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
        // The password rules are checked with the other fields, so every error shows at once.
        ModelState.AddAccountErrors(nameof(Input), await _accounts.CheckPasswordRulesAsync(Input.Password));
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var (user, errors) = await _accounts.RegisterAsync(Input);
        if (user is null)
        {
            ModelState.AddAccountErrors(nameof(Input), errors);
            return Page();
        }
        await _accounts.SignInAsync(user);
        TempData["Notice"] = "registered";
        return LocalRedirect(ReturnUrls.Safe(ReturnUrl));
    }
}
