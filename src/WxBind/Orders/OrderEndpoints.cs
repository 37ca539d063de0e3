using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using WxBind.Storage;

namespace WxBind.Orders;

/// <summary>The signed-in account's orders as JSON: <c>GET/POST /api/orders</c>, <c>GET /api/orders/{id}</c>, <c>POST /api/orders/{id}/cancel</c>.</summary>
internal static class OrderEndpoints
{
    private const int MaxListed = 50;

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/orders").RequireAuthorization().WithTags("Orders");
        api.MapGet("/", ListAsync);
        api.MapPost("/", PlaceAsync);
        api.MapGet("/{id:long}", GetAsync);
        api.MapPost("/{id:long}/cancel", CancelAsync);
        endpoints.MapGet("/api/products", (OrderService orders) => TypedResults.Ok(orders.Products.Select(p => new ProductView(p.Id, p.Name, p.PriceFen))))
            .WithTags("Orders");
        return endpoints;
    }

    public sealed record PlaceOrderRequest(IReadOnlyList<OrderLineInput>? Items);

    public sealed record ProductView(string Id, string Name, long PriceFen);

    public sealed record OrderView(long Id, IReadOnlyList<OrderItem> Items, long AmountFen, string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static OrderView From(Order o) => new(o.Id, o.Items, o.AmountFen, o.Status, o.CreatedAt, o.UpdatedAt);
    }

    private static async Task<Ok<IEnumerable<OrderView>>> ListAsync(HttpContext http, UserManager<User> users, OrderStore orders, CancellationToken cancellationToken) =>
        TypedResults.Ok((await orders.ListForUserAsync(users.GetUserId(http.User)!, MaxListed, cancellationToken)).Select(OrderView.From));

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetAsync(long id, HttpContext http, UserManager<User> users, OrderStore orders, CancellationToken cancellationToken) =>
        await orders.FindForUserAsync(id, users.GetUserId(http.User)!, cancellationToken) is { } order
            ? TypedResults.Ok(OrderView.From(order))
            : NotFoundProblem(id);

    private static async Task<Results<Created<OrderView>, ValidationProblem>> PlaceAsync(PlaceOrderRequest? request, HttpContext http, UserManager<User> users, OrderService orders, CancellationToken cancellationToken)
    {
        var result = await orders.PlaceAsync(users.GetUserId(http.User)!, request?.Items, cancellationToken);
        if (result.Order is not { } order)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = [Describe(result, orders)] });
        }
        return TypedResults.Created($"/api/orders/{order.Id}", OrderView.From(order));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> CancelAsync(long id, HttpContext http, UserManager<User> users, OrderService orders, CancellationToken cancellationToken)
    {
        var change = await orders.ChangeStatusAsync(id, OrderStatus.Cancelled, users.GetUserId(http.User)!, admin: null, cancellationToken);
        return change.Result switch
        {
            StatusChangeResult.Changed => TypedResults.Ok(OrderView.From(change.Order!)),
            StatusChangeResult.NotFound => NotFoundProblem(id),
            _ => TypedResults.Problem(
                $"Order {id} is {change.Order!.Status}; only pending or paid orders can be cancelled.",
                statusCode: StatusCodes.Status409Conflict, title: "The order cannot be cancelled."),
        };
    }

    // Another account's order answers exactly like a missing one: ids reveal nothing.
    private static ProblemHttpResult NotFoundProblem(long id) =>
        TypedResults.Problem($"You have no order {id}.", statusCode: StatusCodes.Status404NotFound, title: "No such order.");

    private static string Describe(PlaceResult result, OrderService orders) => result.Error switch
    {
        PlaceError.Empty => "An order needs at least one product with a quantity of 1 or more.",
        PlaceError.TooManyLines => "Too many different products in one order.",
        PlaceError.UnknownProduct => $"There is no product \"{result.ProductId}\". Products: {string.Join(", ", orders.Products.Select(p => p.Id))}.",
        _ => $"The quantity of \"{result.ProductId}\" must be between 1 and the shop's limit, and each product listed once.",
    };
}
