namespace WxBind.Hosting;

/// <summary>The headers every response carries.</summary>
internal static class SecurityHeaders
{
    public static void Add(HttpContext context, bool development)
    {
        var headers = context.Response.Headers;
        var path = context.Request.Path;
        headers.XContentTypeOptions = "nosniff";
        // The emulator's phone page frames the app's pages in its in-WeChat browser, and the
        // emulator lives on the app's origin in Development: there, same-origin framing is allowed.
        if (!path.StartsWithSegments("/emulator"))
        {
            headers.XFrameOptions = development ? "SAMEORIGIN" : "DENY";
            headers.ContentSecurityPolicy = development ? "frame-ancestors 'self'" : "frame-ancestors 'none'";
        }
        // /wx pages carry signed query strings, reset links carry a token: neither may leak as a referrer.
        headers["Referrer-Policy"] = path.StartsWithSegments("/wx") || path.StartsWithSegments("/account/reset-password")
            ? "no-referrer"
            : "strict-origin-when-cross-origin";
    }
}
