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

    public async Task<IActionResult> OnGetAsync(string? notice)
    {
        var user = await _users.GetUserAsync(User);
        if (user is null)
        {
            // The cookie names an account that no longer exists.
            return LocalRedirect("/account/logout");
        }
        Account = user;
        Binding = await BindingService.FindByUserAsync(user.Id, HttpContext.RequestAborted);
        // A success notice comes in the address (after a scan) or once from the step before (after a form).
        notice ??= TempData["Notice"] as string;
        Notice = notice is "unbound" or "bound" or "registered" ? notice : null;
        return Page();
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
}
