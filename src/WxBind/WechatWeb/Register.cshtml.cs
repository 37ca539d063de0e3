using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Localization;

namespace WxBind.WechatWeb;

/// <summary><c>/wx/register</c>: a new account for the WeChat identity this browser holds, bound at once.</summary>
[EnableRateLimiting(AccountsExtensions.RegisterRateLimit)]
public sealed class WxRegisterModel(IStringLocalizer<SharedResource> text) : WxPageModel(text)
{
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        var identity = RequireIdentity(out var refusal);
        if (identity is null)
        {
            return refusal!;
        }
        return await SignInIfBoundAsync(identity) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var identity = RequireIdentity(out var refusal);
        if (identity is null)
        {
            return refusal!;
        }
        // The password rules are checked with the other fields, so every error shows at once.
        ModelState.AddAccountErrors(nameof(Input), await Service<AccountService>().CheckPasswordRulesAsync(Input.Password));
        if (!ModelState.IsValid)
        {
            return Page();
        }
        // Bound in the meantime (another link, a QR scan): no account is made that could not be bound.
        if (await WechatWeb.FindBoundUserAsync(identity.Value, HttpContext.RequestAborted) is not null)
        {
            return Refuse(StatusCodes.Status409Conflict, "openid-taken", "WxConflictTitle");
        }
        var (user, errors) = await Service<AccountService>().RegisterAsync(Input);
        if (user is null)
        {
            ModelState.AddAccountErrors(nameof(Input), errors);
            return Page();
        }
        return await BindAsync(user, identity);
    }
}
