using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Localization;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>/wx/login</c>: the page a signed link opens inside WeChat. The link becomes the browser's
/// WeChat identity; then a bound openid is signed in at once, an unbound one logs in here (or
/// registers on <c>/wx/register</c>) and is bound.
/// </summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class WxLoginModel(IStringLocalizer<SharedResource> text) : WxPageModel(text)
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        if (Request.Query.ContainsKey("sig"))
        {
            var check = await Service<SignedLinks>().VerifyAsync(Request.Query, HttpContext.RequestAborted);
            if (check.Status != LinkStatus.Valid)
            {
                return check.Status switch
                {
                    LinkStatus.Expired => Refuse(StatusCodes.Status403Forbidden, "link-expired"),
                    LinkStatus.Reused => Refuse(StatusCodes.Status403Forbidden, "link-reused"),
                    LinkStatus.BadReturn => Refuse(StatusCodes.Status400BadRequest, "link-bad-return"),
                    _ => Refuse(StatusCodes.Status403Forbidden, "link-invalid"),
                };
            }
            Identity.Set(HttpContext, check.OpenId!, check.ReturnPath);
            // Off the address bar (and out of history and Referer) with the spent signature: a
            // reload then shows the form instead of "link already used".
            return LocalRedirect(SignedLinks.Path);
        }

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
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var (user, error) = await Service<AccountService>().CheckPasswordAsync(Input);
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, error!);
            return Page();
        }
        return await BindAsync(user, identity);
    }
}
