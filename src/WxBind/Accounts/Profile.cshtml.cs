using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Binding;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary><c>/account</c>: the profile, and either the WeChat binding or the panel that makes one.</summary>
[Authorize]
public sealed class ProfileModel : PageModel
{
    private readonly UserManager<User> _users;

    public ProfileModel(UserManager<User> users) => _users = users;

    // Page models are public and activated through public constructors; the feature services
    // stay internal, so they are taken from the request's services.
    private BindingService BindingService => HttpContext.RequestServices.GetRequiredService<BindingService>();

    public User Account { get; private set; } = null!;

    public WechatBinding? Binding { get; private set; }

    public string? Notice { get; private set; }

    [BindProperty]
    public DisplayNameInput Rename { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string? notice)
    {
        if (await LoadAsync() is { } gone)
        {
            return gone;
        }
        Rename.DisplayName = Account.DisplayName;
        // A success notice comes in the address (after a scan or a form) or once from the step before.
        notice ??= TempData["Notice"] as string;
        Notice = notice is "unbound" or "renamed" or "signedOutElsewhere" or "bound" or "registered" ? notice : null;
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync()
    {
        if (await LoadAsync() is { } gone)
        {
            return gone;
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        Account.DisplayName = Rename.DisplayName.Trim();
        var result = await _users.UpdateAsync(Account);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError("Rename.DisplayName", error.Description);
            }
            return Page();
        }
        return LocalRedirect("/account?notice=renamed");
    }

    /// <summary>
    /// Ends every session of the account (the security stamp changes, so every cookie issued before
    /// stops working) and signs this browser in again: the other devices are logged out.
    /// </summary>
    public async Task<IActionResult> OnPostSignOutEverywhereAsync()
    {
        if (await LoadAsync() is { } gone)
        {
            return gone;
        }
        await _users.UpdateSecurityStampAsync(Account);
        await HttpContext.RequestServices.GetRequiredService<AccountService>().SignInAsync(Account);
        return LocalRedirect("/account?notice=signedOutElsewhere");
    }

    public async Task<IActionResult> OnPostUnbindAsync()
    {
        var userId = _users.GetUserId(User);
        if (userId is not null)
        {
            await BindingService.UnbindFromWebsiteAsync(userId, HttpContext.RequestAborted);
        }
        return LocalRedirect("/account?notice=unbound");
    }

    private async Task<IActionResult?> LoadAsync()
    {
        var user = await _users.GetUserAsync(User);
        if (user is null)
        {
            // The cookie names an account that no longer exists.
            return LocalRedirect("/account/logout");
        }
        Account = user;
        Binding = await BindingService.FindByUserAsync(user.Id, HttpContext.RequestAborted);
        return null;
    }
}
