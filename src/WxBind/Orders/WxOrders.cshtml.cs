using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Orders;

/// <summary>
/// <c>/wx/orders</c>, opened inside WeChat. The account is the one the site cookie holds (set by
/// the in-WeChat login); without it the WeChat user is proved by OAuth <c>snsapi_base</c>, which
/// signs a bound openid in and comes back here, or offers to log in or register and bind.
/// </summary>
public sealed class WxOrdersModel(IStringLocalizer<SharedResource> text) : OrdersPageModel(text)
{
    public const string OAuthEntry = "/wx/oauth/start?returnUrl=%2Fwx%2Forders";

    public async Task<IActionResult> OnGetAsync()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Redirect(OAuthEntry);
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync() =>
        User.Identity?.IsAuthenticated == true ? await PlaceAsync() : Redirect(OAuthEntry);
}
