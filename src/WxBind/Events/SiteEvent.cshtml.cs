using Microsoft.AspNetCore.Mvc;
using WxBind.Localization;

namespace WxBind.Events;

/// <summary><c>/events/{id}</c> on the website, for logged-in users.</summary>
internal sealed class SiteEventModel(EventStore store, SiteClock clock) : EventSignupPageModel(store, clock)
{
    protected override string Via => "web";

    protected override IActionResult SignInFirst(string id) =>
        LocalRedirect("/account/login?returnUrl=" + Uri.EscapeDataString($"/events/{id}"));
}
