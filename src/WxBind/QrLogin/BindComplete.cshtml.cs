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
/// <c>/account/bind-complete</c>: an unbound WeChat user scanned the login QR; in this browser
/// they log in or register, and the scanner's openid is bound to that account in the same step.
/// </summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class BindCompleteModel(AccountService accounts, IStringLocalizer<SharedResource> text) : PageModel
{
    private QrLoginService Login => HttpContext.RequestServices.GetRequiredService<QrLoginService>();

    [BindProperty(SupportsGet = true, Name = "session")]
    public string? SessionId { get; set; }

    [BindProperty]
    public LoginInput LoginForm { get; set; } = new();

    [BindProperty]
    public RegisterInput RegisterForm { get; set; } = new();

    public bool Valid { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Valid = await FindSessionAsync() is not null;
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
        var (user, error) = await accounts.CheckPasswordAsync(LoginForm);
        return user is null ? await PageAsync(error) : await CompleteAsync(session, user);
    }

    public async Task<IActionResult> OnPostRegisterAsync()
    {
        ModelState.Clear();
        // No session, no account: nothing is created for a scan that is not waiting here.
        if (await FindSessionAsync() is not { } session || !TryValidateModel(RegisterForm, nameof(RegisterForm)))
        {
            return await PageAsync();
        }
        var (user, errors) = await accounts.RegisterAsync(RegisterForm);
        return user is null ? await PageAsync([.. errors]) : await CompleteAsync(session, user);
    }

    private async Task<IActionResult> CompleteAsync(QrSession session, User user)
    {
        var outcome = await Login.CompleteWithAccountAsync(session, user, HttpContext.RequestAborted);
        if (outcome.Result is not (BindResult.Bound or BindResult.AlreadyBound))
        {
            return await PageAsync(outcome.Result == BindResult.AccountTaken ? text["QrAccountTaken"] : text["QrOpenIdTaken"]);
        }
        await accounts.SignInAsync(user);
        return LocalRedirect("/account");
    }

    private Task<QrSession?> FindSessionAsync() => Login.FindNeedingAccountAsync(SessionId, BrowserKey.Find(HttpContext), HttpContext.RequestAborted);

    private async Task<IActionResult> PageAsync(params string?[] errors)
    {
        foreach (var error in errors.OfType<string>())
        {
            ModelState.AddModelError(string.Empty, error);
        }
        Valid = await FindSessionAsync() is not null;
        return Page();
    }
}
