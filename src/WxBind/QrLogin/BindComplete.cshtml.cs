using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Binding;
using WxBind.Localization;
using WxBind.QrSessions;
using WxBind.Storage;

namespace WxBind.QrLogin;

/// <summary>
/// <c>/account/bind-complete</c>: an unbound WeChat user scanned the login QR and agreed on the
/// phone; in this browser they log in or register, and the scanner's openid is bound to that
/// account in the same step. One submission at a time holds the session, so parallel logins and
/// registrations end with at most one account bound and no account left over.
/// </summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class BindCompleteModel(AccountService accounts, UserManager<User> users, IStringLocalizer<SharedResource> text) : PageModel
{
    private QrLoginService Login => HttpContext.RequestServices.GetRequiredService<QrLoginService>();

    [BindProperty(SupportsGet = true, Name = "session")]
    public string? SessionId { get; set; }

    [BindProperty]
    public LoginInput LoginForm { get; set; } = new();

    [BindProperty]
    public RegisterInput RegisterForm { get; set; } = new();

    public bool Valid { get; private set; }

    /// <summary>When the waiting scan runs out (the page counts down to it).</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var session = await FindSessionAsync();
        Valid = session is not null;
        ExpiresAt = session?.ExpiresAt;
        if (!Valid)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostLoginAsync()
    {
        ModelState.Clear();
        if (await FindSessionAsync() is not { } session || !TryValidateModel(LoginForm, nameof(LoginForm)))
        {
            return await PageAsync();
        }
        if (await Login.ClaimAsync(session, HttpContext.RequestAborted) is not { } claim)
        {
            return await PageAsync(text["BindCompleteBusy"]);
        }
        var (user, error) = await accounts.CheckPasswordAsync(LoginForm);
        if (user is null)
        {
            await Login.ReleaseAsync(session, claim, HttpContext.RequestAborted);
            return await PageAsync(error);
        }
        return await CompleteAsync(session, claim, user, newAccount: false);
    }

    public async Task<IActionResult> OnPostRegisterAsync()
    {
        ModelState.Clear();
        // No session, no account: nothing is created for a scan that is not waiting here.
        if (await FindSessionAsync() is not { } session || !await ValidateRegisterFormAsync())
        {
            return await PageAsync();
        }
        // Claimed before the account exists: a parallel login or registration on this session is
        // turned away before it makes anything.
        if (await Login.ClaimAsync(session, HttpContext.RequestAborted) is not { } claim)
        {
            return await PageAsync(text["BindCompleteBusy"]);
        }
        var (user, errors) = await accounts.RegisterAsync(RegisterForm);
        if (user is null)
        {
            await Login.ReleaseAsync(session, claim, HttpContext.RequestAborted);
            ModelState.AddAccountErrors(nameof(RegisterForm), errors);
            return await PageAsync();
        }
        return await CompleteAsync(session, claim, user, newAccount: true);
    }

    private async Task<IActionResult> CompleteAsync(QrSession session, string claim, User user, bool newAccount)
    {
        var outcome = await Login.CompleteClaimedAsync(session, claim, user, newAccount, HttpContext.RequestAborted);
        if (outcome.Result is not (BindResult.Bound or BindResult.AlreadyBound))
        {
            if (newAccount)
            {
                // Made for this binding only, and the binding did not happen: it must not stay behind.
                await users.DeleteAsync(user);
            }
            await Login.ReleaseAsync(session, claim, HttpContext.RequestAborted);
            return await PageAsync(outcome.Result switch
            {
                BindResult.AccountTaken => text["QrAccountTaken"],
                BindResult.OpenIdTaken => text["QrOpenIdTaken"],
                _ => text["BindCompleteInvalid"],
            });
        }
        await accounts.SignInAsync(user);
        TempData["Notice"] = newAccount ? "registered" : "bound";
        return LocalRedirect("/account");
    }

    // The form's own rules and the password rules together, so every error shows at once.
    private async Task<bool> ValidateRegisterFormAsync()
    {
        TryValidateModel(RegisterForm, nameof(RegisterForm));
        ModelState.AddAccountErrors(nameof(RegisterForm), await accounts.CheckPasswordRulesAsync(RegisterForm.Password));
        return ModelState.IsValid;
    }

    private Task<QrSession?> FindSessionAsync() => Login.FindNeedingAccountAsync(SessionId, BrowserKey.Find(HttpContext), HttpContext.RequestAborted);

    private async Task<IActionResult> PageAsync(params string?[] errors)
    {
        foreach (var error in errors.OfType<string>())
        {
            ModelState.AddModelError(string.Empty, error);
        }
        var session = await FindSessionAsync();
        Valid = session is not null;
        ExpiresAt = session?.ExpiresAt;
        // Passwords are never written back into a page; what else was typed is kept.
        LoginForm.Password = string.Empty;
        RegisterForm.Password = string.Empty;
        return Page();
    }
}
