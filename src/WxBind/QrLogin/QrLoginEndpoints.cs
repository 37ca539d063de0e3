using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using WxBind.QrSessions;
using WxBind.Storage;

namespace WxBind.QrLogin;

internal static class QrLoginEndpoints
{
    public static IEndpointRouteBuilder MapQrLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/qr-sessions/{id}/login", ExchangeAsync).WithTags("QR sessions");
        return endpoints;
    }

    public sealed record ExchangeResult(string Next);

    /// <summary>
    /// The waiting browser trades its completed login session for the login cookie. Only the
    /// browser that created the session, and only once.
    /// </summary>
    private static async Task<Results<Ok<ExchangeResult>, ProblemHttpResult>> ExchangeAsync(
        string id, HttpContext http, QrLoginService login, SignInManager<User> signIn, CancellationToken cancellationToken)
    {
        var user = await login.ExchangeAsync(id, BrowserKey.Find(http), cancellationToken);
        if (user is null)
        {
            return TypedResults.Problem("This QR login cannot be used (again) from this browser.", statusCode: StatusCodes.Status409Conflict);
        }
        await signIn.SignInAsync(user, isPersistent: true);
        return TypedResults.Ok(new ExchangeResult("/account"));
    }
}
