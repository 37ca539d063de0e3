using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using WxBind.Emulator.OAuth;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Sim;

/// <summary>
/// The in-WeChat browser behind <c>/_sim/open</c>. Redirects are followed here rather than by the
/// handler so that the emulator's own authorize URL is answered as this user, so each user
/// keeps a cookie jar of their own, and so every hop is checked against <see cref="BrowserTargets"/>.
/// </summary>
internal sealed class SimBrowser(
    IHttpClientFactory httpClientFactory,
    BrowserTargets targets,
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
            if (targets.IsAuthorizeUrl(current))
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

            if (!targets.IsAllowed(current))
            {
                return new BrowserResult(0, current.ToString(), null, "", visited, targets.RefusalMessage(current));
            }

            using var request = new HttpRequestMessage(verb, current);
            request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,*/*");
            AddIdentity(request, cookies);

            if (verb == HttpMethod.Post)
            {
                request.Content = new FormUrlEncodedContent(form ?? new Dictionary<string, string>());
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            EmulatorLog.BrowserRequest(logger, verb.Method, current.AbsolutePath, status);
            KeepCookies(response, cookies);

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

    /// <summary>WeChat's User-Agent and the user's own cookies for <see cref="HttpRequestMessage.RequestUri"/>; never anyone else's.</summary>
    public static void AddIdentity(HttpRequestMessage request, CookieContainer cookies)
    {
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        var cookieHeader = cookies.GetCookieHeader(request.RequestUri!);
        if (cookieHeader.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        }
    }

    /// <summary>Stores the response's cookies in the user's jar.</summary>
    public static void KeepCookies(HttpResponseMessage response, CookieContainer cookies)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            return;
        }

        foreach (var setCookie in setCookies)
        {
            try
            {
                cookies.SetCookies(response.RequestMessage!.RequestUri!, setCookie);
            }
            catch (CookieException)
            {
                // A browser ignores a cookie it cannot parse; so do we.
            }
        }
    }
}

/// <summary>What <c>/_sim/open</c> saw; <see cref="Refused"/> says why a hop was not fetched.</summary>
internal sealed record BrowserResult(int Status, string FinalUrl, string? ContentType, string Body, IReadOnlyList<string> Visited, string? Refused = null);
