using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using WxBind.Storage;

namespace WxBind.Binding;

internal static class BindingEndpoints
{
    public static IEndpointRouteBuilder MapBinding(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/account").RequireAuthorization().WithTags("Binding");
        account.MapGet("/wechat-binding", GetAsync);
        account.MapDelete("/wechat-binding", DeleteAsync);
        return endpoints;
    }

    public sealed record BindingView(string OpenIdMasked, bool Subscribed, DateTimeOffset BoundAt);

    private static async Task<Results<Ok<BindingView>, NotFound>> GetAsync(HttpContext http, UserManager<User> users, BindingService binding, CancellationToken cancellationToken)
    {
        var current = await binding.FindByUserAsync(users.GetUserId(http.User)!, cancellationToken);
        return current is null ? TypedResults.NotFound() : TypedResults.Ok(new BindingView(Masking.OpenId(current.OpenId), current.Subscribed, current.BoundAt));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(HttpContext http, UserManager<User> users, BindingService binding, CancellationToken cancellationToken)
    {
        var removed = await binding.UnbindFromWebsiteAsync(users.GetUserId(http.User)!, cancellationToken);
        return removed is null
            ? TypedResults.Problem("This account is not bound to WeChat.", statusCode: StatusCodes.Status404NotFound)
            : TypedResults.NoContent();
    }
}
