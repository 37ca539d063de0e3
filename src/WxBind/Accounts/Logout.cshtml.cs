using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace WxBind.Accounts;

/// <summary>GET asks, POST (with antiforgery) signs out: a link or an image cannot log a user out.</summary>
public sealed class LogoutModel : PageModel
{
    private readonly AccountService _accounts;

    public LogoutModel(AccountService accounts) => _accounts = accounts;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await _accounts.SignOutAsync(User);
        return LocalRedirect("/account/login?loggedOut=1");
    }
}
