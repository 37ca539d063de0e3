using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Accounts;

/// <summary>A readable answer for a rate-limited request: JSON problem for the API, a short page otherwise.</summary>
internal static class RateLimitRejection
{
    public static async ValueTask WriteAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var text = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>()["TooManyRequests"].Value;
        http.Response.Headers.RetryAfter = "60";
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            await TypedResults.Problem(text, statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
            return;
        }
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            $"<!doctype html><meta charset=\"utf-8\"><title>429</title><p style=\"font:16px sans-serif;margin:3em\">{System.Net.WebUtility.HtmlEncode(text)}</p>",
            cancellationToken);
    }
}
