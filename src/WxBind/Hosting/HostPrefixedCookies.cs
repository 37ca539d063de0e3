using System.Text;

namespace WxBind.Hosting;

/// <summary>
/// Under HTTPS (direct, or forwarded by a known proxy) the site's own cookies travel as
/// <c>__Host-</c> cookies: Secure, path /, no domain, so neither a subdomain nor plain HTTP can
/// plant or overwrite them. The app itself keeps using the plain names: requests show it the
/// prefixed cookies under the plain names (a plain-named cookie over HTTPS is dropped), and
/// responses get the prefix and the Secure flag added.
/// </summary>
internal static class HostPrefixedCookies
{
    private const string Prefix = "__Host-";

    // The auth cookie (and its chunks), the antiforgery cookie and the browser key.
    private static bool IsOurs(ReadOnlySpan<char> name) => name.StartsWith("wxbind.", StringComparison.Ordinal);

    public static Task Apply(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.IsHttps)
        {
            return next(context);
        }
        var cookieHeader = context.Request.Headers.Cookie.ToString();
        if (cookieHeader.Length > 0)
        {
            context.Request.Headers.Cookie = Unprefix(cookieHeader);
        }
        context.Response.OnStarting(() =>
        {
            var setCookies = context.Response.Headers.SetCookie;
            if (setCookies.Count > 0)
            {
                context.Response.Headers.SetCookie = setCookies.Select(c => Prefixed(c!)).ToArray();
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static string Unprefix(string header)
    {
        var kept = new List<string>();
        foreach (var part in header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(Prefix, StringComparison.Ordinal) && IsOurs(part.AsSpan(Prefix.Length)))
            {
                kept.Add(part[Prefix.Length..]);
            }
            else if (!IsOurs(part))
            {
                kept.Add(part);
            }
        }
        return string.Join("; ", kept);
    }

    private static string Prefixed(string setCookie)
    {
        if (!IsOurs(setCookie))
        {
            return setCookie;
        }
        var cookie = new StringBuilder(Prefix);
        var secure = false;
        var path = false;
        foreach (var (attribute, index) in setCookie.Split(';', StringSplitOptions.TrimEntries).Select((a, i) => (a, i)))
        {
            if (index > 0 && attribute.StartsWith("domain=", StringComparison.OrdinalIgnoreCase))
            {
                continue; // __Host- cookies carry no domain
            }
            if (index > 0 && attribute.StartsWith("path=", StringComparison.OrdinalIgnoreCase))
            {
                path = true;
                cookie.Append("; path=/");
                continue;
            }
            secure |= index > 0 && attribute.Equals("secure", StringComparison.OrdinalIgnoreCase);
            cookie.Append(index > 0 ? "; " : "").Append(attribute);
        }
        if (!path)
        {
            cookie.Append("; path=/");
        }
        if (!secure)
        {
            cookie.Append("; secure");
        }
        return cookie.ToString();
    }
}
