using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Orders;

/// <summary>What <c>/account/orders</c> and <c>/wx/orders</c> share: the signed-in account's orders and the order form.</summary>
public abstract class OrdersPageModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public const int Listed = 20;

    /// <summary>Quantity per product id, from the form's <c>Quantities[id]</c> fields.</summary>
    [BindProperty]
    public Dictionary<string, int> Quantities { get; set; } = [];

    [BindProperty(SupportsGet = true)]
    public long? Placed { get; set; }

    public IReadOnlyList<Product> Products { get; private set; } = [];

    public IReadOnlyList<Order> Orders { get; private set; } = [];

    /// <summary>Most pieces of one product (<c>Orders:MaxQuantity</c>), for the form's inputs.</summary>
    public int MaxQuantity { get; private set; }

    /// <summary>Why the last order was not placed, in the page's language.</summary>
    public string? Error { get; private set; }

    // Page models are public; the feature's services are internal and taken from the request.
    private OrderService Service => HttpContext.RequestServices.GetRequiredService<OrderService>();

    private string UserId => HttpContext.RequestServices.GetRequiredService<UserManager<User>>().GetUserId(User)!;

    protected async Task LoadAsync()
    {
        Products = Service.Products;
        MaxQuantity = HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<OrdersOptions>>().Value.MaxQuantity;
        Orders = await HttpContext.RequestServices.GetRequiredService<OrderStore>().ListForUserAsync(UserId, Listed, HttpContext.RequestAborted);
    }

    protected async Task<IActionResult> PlaceAsync()
    {
        var lines = ModelState.IsValid
            ? Quantities.Select(q => new OrderLineInput(q.Key, q.Value)).ToList()
            : null;
        var result = lines is null
            ? PlaceResult.Fail(PlaceError.BadQuantity)
            : await Service.PlaceAsync(UserId, lines, HttpContext.RequestAborted);
        if (result.Order is { } order)
        {
            return RedirectToPage(new { placed = order.Id });
        }
        await LoadAsync();
        Error = result.Error switch
        {
            PlaceError.Empty => text["OrdersErrorEmpty"],
            PlaceError.TooManyLines => text["OrdersErrorTooManyLines"],
            PlaceError.UnknownProduct => text["OrdersErrorUnknownProduct", result.ProductId ?? ""],
            _ => text["OrdersErrorBadQuantity", MaxQuantity],
        };
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
