using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxBind.Emulator.OAuth;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Sim;

/// <summary>
/// The in-WeChat browser behind <c>/_sim/open</c>. Redirects are followed here rather than by the
/// handler so that the emulator's own authorize URL is answered as this user, and so each user
/// keeps a cookie jar of their own.
/// </summary>
internal sealed class SimBrowser(
    IHttpClientFactory httpClientFactory,
    IOptions<EmulatorOptions> options,
    UserStore users,
    OAuthAuthorizer authorizer,
    ILogger<SimBrowser> logger)
{
    public const string UserAgent =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/WIFI Language/zh_CN";

    private const int MaxHops = 20;

    public async Task<BrowserResult> OpenAsync(string openId, Uri url, string method, IReadOnlyDictionary<string, string>? form, CancellationToken cancellationToken)
    {
        var cookies = users.CookiesOf(openId) ?? new CookieContainer();
        var client = httpClientFactory.CreateClient(EmulatorOptions.BrowserHttpClientName);
        var visited = new List<string>();
        var current = url;
        var verb = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase) ? HttpMethod.Post : HttpMethod.Get;

        for (var hop = 0; hop < MaxHops; hop++)
        {
            visited.Add(current.ToString());
            if (IsAuthorizeUrl(current))
            {
                var decision = authorizer.Decide(QueryHelpers.ParseQuery(current.Query), openId);
                if (decision.Location is null)
                {
                    return new BrowserResult(200, current.ToString(), "text/html; charset=utf-8", OAuthAuthorizer.ErrorPage(decision), visited);
                }

                current = new Uri(current, decision.Location);
                verb = HttpMethod.Get;
                form = null;
                continue;
            }

            using var request = new HttpRequestMessage(verb, current);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*");
            var cookieHeader = cookies.GetCookieHeader(current);
            if (cookieHeader.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
            }

            if (verb == HttpMethod.Post)
            {
                request.Content = new FormUrlEncodedContent(form ?? new Dictionary<string, string>());
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            EmulatorLog.BrowserRequest(logger, verb.Method, current.AbsolutePath, status);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    try
                    {
                        cookies.SetCookies(current, setCookie);
                    }
                    catch (CookieException)
                    {
                        // A browser ignores a cookie it cannot parse; so do we.
                    }
                }
            }

            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                current = new Uri(current, location);
                if (status is 301 or 302 or 303)
                {
                    verb = HttpMethod.Get;
                    form = null;
                }

                continue;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new BrowserResult(status, current.ToString(), response.Content.Headers.ContentType?.ToString(), body, visited);
        }

        return new BrowserResult(0, current.ToString(), null, "too many redirects", visited);
    }

    private bool IsAuthorizeUrl(Uri url)
    {
        const string AuthorizePath = "/connect/oauth2/authorize";
        return string.Equals(url.AbsolutePath, options.Value.PathBase.TrimEnd('/') + AuthorizePath, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(url.Host, "open.weixin.qq.com", StringComparison.OrdinalIgnoreCase) && url.AbsolutePath == AuthorizePath);
    }
}

internal sealed record BrowserResult(int Status, string FinalUrl, string? ContentType, string Body, IReadOnlyList<string> Visited);
