using System.Security.Cryptography;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using WxBind.Accounts;
using WxBind.Localization;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>/wx/oauth/start?returnUrl=</c>: the other way in (DESIGN §1 F3.3). Sends the WeChat browser
/// to WeChat's <c>snsapi_base</c> authorize page with a <c>state</c> that only this browser holds.
/// </summary>
public sealed class WxOAuthStartModel(IStringLocalizer<SharedResource> text) : WxPageModel(text)
{
    public const string CallbackPath = "/wx/oauth/callback";

    // WeChat allows [a-zA-Z0-9] and at most 128 bytes; 32 such characters carry ~190 bits.
    private const string StateAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int StateLength = 32;

    public IActionResult OnGet(string? returnUrl)
    {
        var state = RandomNumberGenerator.GetString(StateAlphabet, StateLength);
        // A foreign returnUrl is dropped, not followed: no open redirect through this page.
        Identity.SetOAuthState(HttpContext, state, ReturnUrls.IsLocal(returnUrl) ? returnUrl : null);
        var callback = Service<IOptions<WxBindOptions>>().Value.PublicBaseUrl.TrimEnd('/') + CallbackPath;
        return Redirect(Service<WechatApiClient>().BuildOauth2AuthorizeUrl(callback, state));
    }
}
