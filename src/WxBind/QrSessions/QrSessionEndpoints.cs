using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using WxBind.Realtime;

namespace WxBind.QrSessions;

internal static class QrSessionEndpoints
{
    public const string CreateRateLimit = "qr-sessions";

    public static IEndpointRouteBuilder MapQrSessions(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/qr-sessions").WithTags("QR sessions");
        group.MapPost("/", CreateAsync).RequireRateLimiting(CreateRateLimit);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/events", Events);
        group.MapGet("/{id}/qr.png", QrPngAsync);
        return endpoints;
    }

    public sealed record CreateQrSessionRequest(string? Purpose, string? Replaces);

    public sealed record QrSessionView(string Id, string Purpose, string Status, DateTimeOffset ExpiresAt, string? QrImageUrl, string? QrUrl, string? Message, string? Next)
    {
        public static QrSessionView Of(QrSession s) => new(
            s.Id, s.Purpose, s.Status, s.ExpiresAt,
            s.IsFinal ? null : $"/api/qr-sessions/{s.Id}/qr.png",
            s.IsFinal ? null : s.QrUrl,
            s.Message,
            NextStep(s));

        /// <summary>
        /// Where the waiting page goes next. A completed login has none: the page first exchanges
        /// the session for its cookie (<c>POST /api/qr-sessions/{id}/login</c>).
        /// </summary>
        private static string? NextStep(QrSession s) => (s.Purpose, s.Status) switch
        {
            (QrSessionPurpose.Bind, QrSessionStatus.Completed) => "/account?notice=bound",
            (QrSessionPurpose.Login, QrSessionStatus.NeedsAccount) => $"/account/bind-complete?session={s.Id}",
            _ => null,
        };
    }

    private static async Task<Results<Created<QrSessionView>, ProblemHttpResult>> CreateAsync(
        CreateQrSessionRequest request, HttpContext http, QrSessionService sessions, UserManager<Storage.User> users, CancellationToken cancellationToken)
    {
        if (request.Purpose is not (QrSessionPurpose.Bind or QrSessionPurpose.Login))
        {
            return TypedResults.Problem("purpose must be \"bind\" or \"login\".", statusCode: StatusCodes.Status400BadRequest);
        }
        // A login session belongs to nobody until someone scans it.
        var userId = request.Purpose == QrSessionPurpose.Bind ? users.GetUserId(http.User) : null;
        if (userId is null && request.Purpose == QrSessionPurpose.Bind)
        {
            return TypedResults.Problem("Log in first: binding needs a website account.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var browser = BrowserKey.GetOrCreate(http);
        QrSession session;
        try
        {
            session = await sessions.CreateAsync(request.Purpose, userId, browser, http.Request.Headers.UserAgent.ToString(), ClientIp(http), cancellationToken);
        }
        catch (Exception e) when (e is Wechat.WechatApiException or HttpRequestException or System.Text.Json.JsonException
            || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // WeChat is unreachable, slow or answering an error: the page shows a retry, not a 500.
            http.Response.Headers.RetryAfter = "5";
            var text = http.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Localization.SharedResource>>();
            return TypedResults.Problem(text["WechatUnavailable"], statusCode: StatusCodes.Status503ServiceUnavailable, title: "WeChat unavailable");
        }
        // The code being replaced ends only once its successor exists: a failure above changes nothing.
        if (request.Replaces is { Length: > 0 } old && await sessions.GetForBrowserAsync(old, browser, cancellationToken) is { } replaced)
        {
            await sessions.CancelAsync(replaced, cancellationToken);
        }
        return TypedResults.Created($"/api/qr-sessions/{session.Id}", QrSessionView.Of(session));
    }

    /// <summary>The address the request came from (the client's, once forwarded headers are applied), IPv4 written as such.</summary>
    private static string? ClientIp(HttpContext http) => http.Connection.RemoteIpAddress is { } ip
        ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
        : null;

    private static async Task<Results<Ok<QrSessionView>, NotFound>> GetAsync(string id, HttpContext http, QrSessionService sessions, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        var session = await sessions.GetForBrowserAsync(id, BrowserKey.Find(http), cancellationToken);
        return session is null ? TypedResults.NotFound() : TypedResults.Ok(QrSessionView.Of(session));
    }

    private static async Task<Results<FileContentHttpResult, NotFound, StatusCodeHttpResult>> QrPngAsync(string id, HttpContext http, QrSessionService sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.GetForBrowserAsync(id, BrowserKey.Find(http), cancellationToken);
        if (session is null)
        {
            return TypedResults.NotFound();
        }
        // An ended code is never served as if it still worked.
        if (session.IsFinal || session.QrUrl is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(QrCodeImage.Png(session.QrUrl), "image/png");
    }

    /// <summary>
    /// One <c>status</c> event per state change, ending after a final state. A change signal makes
    /// the loop re-read the session at once; a short heartbeat re-reads it anyway, so nothing
    /// depends on a signal arriving.
    /// </summary>
    private static async Task<IResult> Events(string id, HttpContext http, QrSessionService sessions, IQrSessionNotifier notifier, TimeProvider time, CancellationToken cancellationToken)
    {
        var browser = BrowserKey.Find(http);
        var first = await sessions.GetForBrowserAsync(id, browser, cancellationToken);
        if (first is null)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.ServerSentEvents(Stream(first, sessions, notifier.Subscribe(id), time, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<QrSessionView>> Stream(
        QrSession session, QrSessionService sessions, IQrSessionSubscription subscription, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var _ = subscription;
        string? sent = null;
        var heartbeat = TimeSpan.FromSeconds(10);
        while (true)
        {
            if (session.Status != sent)
            {
                sent = session.Status;
                yield return new SseItem<QrSessionView>(QrSessionView.Of(session), "status") { ReconnectionInterval = TimeSpan.FromSeconds(2) };
            }
            if (session.IsFinal)
            {
                yield break;
            }

            var untilExpiry = session.ExpiresAt - time.GetUtcNow();
            var wait = untilExpiry < heartbeat ? untilExpiry : heartbeat;
            // A change, the heartbeat or the expiry: re-read either way.
            await subscription.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(50), cancellationToken);
            var current = await sessions.GetAsync(session.Id, cancellationToken);
            if (current is null)
            {
                yield break;
            }
            session = current;
        }
    }
}
