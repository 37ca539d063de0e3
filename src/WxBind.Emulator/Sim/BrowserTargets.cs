using Microsoft.Extensions.Options;

namespace WxBind.Emulator.Sim;

/// <summary>
/// What the in-WeChat browser may open: the app's own origin and the emulator's own pages, nothing
/// else (no other host, port or scheme), so neither <c>/_sim/open</c> nor the phone's browser can
/// be turned into a proxy to local services.
/// </summary>
internal sealed class BrowserTargets(IOptions<EmulatorOptions> options)
{
    private const string AuthorizePath = "/connect/oauth2/authorize";

    /// <summary>The app's origin: <see cref="EmulatorOptions.AppBaseUrl"/>, else the callback URL's.</summary>
    public Uri? AppOrigin => Origin(options.Value.AppBaseUrl ?? options.Value.CallbackUrl);

    public bool IsAllowed(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.UserInfo.Length > 0)
        {
            return false;
        }

        if (AppOrigin is { } app && SameOrigin(url, app))
        {
            return true;
        }

        // When the emulator runs on its own, its pages live under PathBase at its public origin.
        return Origin(options.Value.PublicBaseUrl) is { } emulator && SameOrigin(url, emulator)
            && url.AbsolutePath.StartsWith(options.Value.PathBase.TrimEnd('/') + "/", StringComparison.Ordinal);
    }

    /// <summary>
    /// WeChat's authorize page, at the emulator's path or WeChat's own host. The browser answers it
    /// itself as its user, so it is never fetched.
    /// </summary>
    public bool IsAuthorizeUrl(Uri url) =>
        url.IsAbsoluteUri
        && (string.Equals(url.AbsolutePath, options.Value.PathBase.TrimEnd('/') + AuthorizePath, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(url.Host, "open.weixin.qq.com", StringComparison.OrdinalIgnoreCase) && url.AbsolutePath == AuthorizePath));

    public string RefusalMessage(Uri url) =>
        $"refused {url.Scheme}://{url.Authority}: the in-WeChat browser opens only the app's own pages ({AppOrigin?.GetLeftPart(UriPartial.Authority) ?? "none configured"}) and the emulator's";

    private static Uri? Origin(Uri? url) => url is { IsAbsoluteUri: true } ? new Uri(url.GetLeftPart(UriPartial.Authority) + "/") : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
