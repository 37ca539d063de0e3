using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Localization;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>/wx/oauth/start?returnUrl=</c>: the other way in (DESIGN §1 F3.4). Sends the WeChat browser
/// to WeChat's <c>snsapi_base</c> authorize page with a <c>state</c> that only this browser holds.
/// </summary>
public sealed class WxOAuthStartModel(IStringLocalizer<SharedResource> text) : WxPageModel(text)
{
    // A foreign returnUrl is dropped, not followed: no open redirect through this page.
    public IActionResult OnGet(string? returnUrl) =>
        Redirect(Service<LinkProof>().BeginOAuth(HttpContext, ReturnUrls.IsLocal(returnUrl) ? returnUrl : null));
}
