using Microsoft.AspNetCore.Mvc;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary>
/// <c>/wx/events/{id}</c> inside WeChat: one tap to sign up for a bound user. Without the site's
/// login cookie the WeChat user is first proven by OAuth and, if bound, signed in (or, if not,
/// asked to log in or register and bind), then comes back here.
/// </summary>
internal sealed class WxEventModel(EventStore store, SiteClock clock) : EventSignupPageModel(store, clock)
{
    protected override string Via => "wechat";

    protected override IActionResult SignInFirst(string id) =>
        LocalRedirect("/wx/oauth/start?returnUrl=" + Uri.EscapeDataString($"/wx/events/{id}"));
}
