using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Orders;

/// <summary><c>/account/orders</c>: the website's view of the account's orders, with the order form.</summary>
[Authorize]
public sealed class AccountOrdersModel(IStringLocalizer<SharedResource> text) : OrdersPageModel(text)
{
    public Task OnGetAsync() => LoadAsync();

    public Task<IActionResult> OnPostAsync() => PlaceAsync();
}
