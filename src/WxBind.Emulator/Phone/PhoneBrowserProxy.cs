using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxBind.Emulator.OAuth;
using WxBind.Emulator.Sim;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Phone;

/// <summary>
/// The phone page's in-WeChat browser: a separate device. Each simulated user browses the app at a
/// site of their own, <c>http://{device}.phone.localhost:{port}/…</c>, which mirrors the app's
/// origin path for path, so root-relative links, forms, fetch, EventSource and redirects work
/// unchanged. Requests go to the app with that user's server-side cookie jar and WeChat's
/// User-Agent; the real browser's cookies are never forwarded and the app's <c>Set-Cookie</c> never
/// reaches it, so the desktop's login is untouched whatever happens on the phone. WeChat's
/// authorize page is answered here as the user; anything off the app's origin is refused.
/// </summary>
internal sealed class PhoneBrowserProxy(
    IHttpClientFactory httpClientFactory,
    IOptions<EmulatorOptions> options,
    UserStore users,
    BrowserTargets targets,
    OAuthAuthorizer authorizer,
    ILogger<PhoneBrowserProxy> logger)
{
    // Never forwarded: the device speaks for itself (cookies, agent) and is no reverse proxy (X-Forwarded-*).
    private static readonly HashSet<string> DroppedRequestHeaders = new(
        ["Host", "Cookie", "Cookie2", "Authorization", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Connection",
         "Proxy-Authorization", "Origin", "Referer", "User-Agent", "Content-Length", "Content-Type", "Accept-Encoding",
         "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Real-IP"],
        StringComparer.OrdinalIgnoreCase);

    // The jar keeps Set-Cookie; the phone shows pages in a frame, so the app's frame denial does not apply to it.
    private static readonly HashSet<string> DroppedResponseHeaders = new(
        ["Set-Cookie", "Location", "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "X-Frame-Options", "Strict-Transport-Security",
         "Content-Security-Policy", "Alt-Svc"],
        StringComparer.OrdinalIgnoreCase);

    public static bool IsValidDomain(string? domain) => !string.IsNullOrEmpty(domain) && Uri.CheckHostName(domain) == UriHostNameType.Dns;

    /// <summary>The device id when <paramref name="host"/> is a phone browser's site, else null.</summary>
    public string? DeviceOf(HostString host)
    {
        var suffix = "." + options.Value.PhoneBrowserDomain;
        var name = host.Host;
        if (name.Length <= suffix.Length || !name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var label = name[..^suffix.Length];
        return label.Contains('.', StringComparison.Ordinal) ? null : label;
    }

    /// <summary>
    /// Where the phone's frame goes to show <paramref name="url"/> to <paramref name="user"/>: the
    /// user's device site on the scheme and port the phone page was served from; null when the URL
    /// is neither the app's nor WeChat's authorize page.
    /// </summary>
    public Uri? FrameUrl(SimUserView user, Uri url, HttpRequest pageRequest)
    {
        if (targets.AppOrigin is not { } app)
        {
            return null;
        }

        // The authorize page is answered by the device site itself, whichever host the link names.
        var appUrl = targets.IsAuthorizeUrl(url)
            ? new Uri(app, options.Value.PathBase.TrimEnd('/') + "/connect/oauth2/authorize" + url.Query)
            : url;
        if (!targets.IsAllowed(appUrl) || !IsAppOrigin(appUrl, app))
        {
            return null;
        }

        var builder = new UriBuilder(appUrl)
        {
            Scheme = pageRequest.Scheme,
            Host = user.DeviceId + "." + options.Value.PhoneBrowserDomain,
            Port = pageRequest.Host.Port ?? -1,
        };
        return builder.Uri;
    }

    public async Task ServeAsync(HttpContext context, string deviceId)
    {
        var request = context.Request;
        if (users.FindByDevice(deviceId) is not { } user)
        {
            await WritePageAsync(context, 404, "这部模拟手机不存在", "This simulated phone does not exist", "在模拟手机页重新选择一个用户。", "Pick a user again on the phone page.");
            return;
        }

        if (targets.AppOrigin is not { } app || users.CookiesOf(user.OpenId) is not { } cookies)
        {
            await WritePageAsync(context, 503, "未配置应用地址", "No app address configured", "设置 Emulator:AppBaseUrl 或 CallbackUrl。", "Set Emulator:AppBaseUrl or CallbackUrl.");
            return;
        }

        var target = new Uri(app.GetLeftPart(UriPartial.Authority) + request.GetEncodedPathAndQuery());
        var navigating = string.Equals(request.Headers["Sec-Fetch-Mode"], "navigate", StringComparison.OrdinalIgnoreCase);
        if (targets.IsAuthorizeUrl(target))
        {
            await AuthorizeAsync(context, user, target, navigating);
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), target);
        CopyRequestHeaders(request, forward, app);
        SimBrowser.AddIdentity(forward, cookies);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
            if (request.ContentType is { } contentType)
            {
                forward.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        var client = httpClientFactory.CreateClient(EmulatorOptions.BrowserHttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            await WritePageAsync(context, 502, "无法连接应用", "The app cannot be reached", target.GetLeftPart(UriPartial.Authority), target.GetLeftPart(UriPartial.Authority));
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            EmulatorLog.PhoneBrowserRequest(logger, request.Method, target.AbsolutePath, status);
            SimBrowser.KeepCookies(response, cookies);
            if (response.Headers.Location is { } location && status is >= 300 and < 400)
            {
                var next = new Uri(target, location);
                if (FrameUrl(user, next, request) is not { } frameUrl)
                {
                    await WriteRefusalAsync(context, next);
                    return;
                }

                context.Response.Headers.Location = frameUrl.ToString();
            }
            else if (navigating)
            {
                users.SetBrowserLocation(user.OpenId, target);
            }

            context.Response.StatusCode = status;
            CopyResponseHeaders(response, context.Response);
            await CopyBodyAsync(response, context);
        }
    }

    private async Task AuthorizeAsync(HttpContext context, SimUserView user, Uri target, bool navigating)
    {
        var decision = authorizer.Decide(QueryHelpers.ParseQuery(target.Query), user.OpenId);
        if (decision.Location is null)
        {
            if (navigating)
            {
                users.SetBrowserLocation(user.OpenId, target);
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(OAuthAuthorizer.ErrorPage(decision), context.RequestAborted);
            return;
        }

        var next = new Uri(target, decision.Location);
        if (FrameUrl(user, next, context.Request) is not { } frameUrl)
        {
            await WriteRefusalAsync(context, next);
            return;
        }

        context.Response.Redirect(frameUrl.ToString());
    }

    private static void CopyRequestHeaders(HttpRequest request, HttpRequestMessage forward, Uri app)
    {
        foreach (var (name, values) in request.Headers)
        {
            if (!DroppedRequestHeaders.Contains(name))
            {
                forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Origin and Referer name the device site; the app sees its own origin, as on a real phone.
        var device = request.Scheme + "://" + request.Host.Value;
        if (string.Equals(request.Headers.Origin, device, StringComparison.OrdinalIgnoreCase))
        {
            forward.Headers.TryAddWithoutValidation("Origin", app.GetLeftPart(UriPartial.Authority));
        }

        if (Uri.TryCreate(request.Headers.Referer, UriKind.Absolute, out var referer)
            && string.Equals(referer.GetLeftPart(UriPartial.Authority), device, StringComparison.OrdinalIgnoreCase))
        {
            forward.Headers.TryAddWithoutValidation("Referer", app.GetLeftPart(UriPartial.Authority) + referer.PathAndQuery);
        }
    }

    private static void CopyResponseHeaders(HttpResponseMessage response, HttpResponse to)
    {
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!DroppedResponseHeaders.Contains(name))
            {
                to.Headers[name] = values.ToArray();
            }
        }

        // Keep the app's policy except who may frame it: the phone page does.
        if (response.Headers.TryGetValues("Content-Security-Policy", out var policies))
        {
            var kept = string.Join("; ", policies.SelectMany(p => p.Split(';'))
                .Select(d => d.Trim())
                .Where(d => d.Length > 0 && !d.StartsWith("frame-ancestors", StringComparison.OrdinalIgnoreCase)));
            if (kept.Length > 0)
            {
                to.Headers.ContentSecurityPolicy = kept;
            }
        }
    }

    // Flushed chunk by chunk so that an EventSource on the phone sees each event as it comes.
    private static async Task CopyBodyAsync(HttpResponseMessage response, HttpContext context)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The phone navigated away (an event stream ends this way).
        }
    }

    private Task WriteRefusalAsync(HttpContext context, Uri url) =>
        WritePageAsync(context, 403, "已拦截这个网址", "This address was refused",
            "模拟的微信内置浏览器只打开应用自己的页面：" + url, targets.RefusalMessage(url));

    private static async Task WritePageAsync(HttpContext context, int status, string zhTitle, string enTitle, string zhDetail, string enDetail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = $"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{WebUtility.HtmlEncode(zhTitle)}</title></head>
            <body style="font-family:sans-serif;padding:2em 1em;text-align:center;word-break:break-word" data-testid="phone-browser-refusal">
            <h2>{WebUtility.HtmlEncode(zhTitle)}</h2><p>{WebUtility.HtmlEncode(zhDetail)}</p>
            <h3 lang="en">{WebUtility.HtmlEncode(enTitle)}</h3><p lang="en">{WebUtility.HtmlEncode(enDetail)}</p>
            </body></html>
            """;
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    private static bool IsAppOrigin(Uri url, Uri app) =>
        string.Equals(url.GetLeftPart(UriPartial.Authority), app.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
