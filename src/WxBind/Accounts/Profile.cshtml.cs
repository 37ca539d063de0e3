using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Storage;

namespace WxBind.Accounts;

[Authorize]
public sealed class ProfileModel : PageModel
{
    private readonly UserManager<User> _users;

    public ProfileModel(UserManager<User> users) => _users = users;

    public User Account { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await _users.GetUserAsync(User);
        if (user is null)
        {
            // The cookie names an account that no longer exists.
            return RedirectToPage("/Accounts/Logout");
        }
        Account = user;
        return Page();
    }
}
