using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WxBind.Emulator.Api;
using WxBind.Emulator.Phone;
using WxBind.Emulator.Push;
using WxBind.Emulator.Qrcodes;
using WxBind.Emulator.Tokens;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Sim;

/// <summary>The <c>/_sim/</c> control API used by tests and by the phone page.</summary>
internal static class SimEndpoints
{
    public static void MapSimEndpoints(this IEndpointRouteBuilder group)
    {
        var sim = group.MapGroup("/_sim");

        sim.MapPost("/users", (SimNewUserRequest? body, UserStore users) =>
        {
            var user = users.Create(body?.Nickname);
            return TypedResults.Ok(new { openid = user.OpenId, nickname = user.Nickname });
        });
        sim.MapGet("/users", (UserStore users) => TypedResults.Ok(users.List().Select(UserJson)));

        sim.MapPost("/follow", (SimUserRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            WithUserAsync(users, body.OpenId, id => actions.FollowAsync(id, ct)));
        sim.MapPost("/unfollow", (SimUserRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            WithUserAsync(users, body.OpenId, id => actions.UnfollowAsync(id, ct)));
        sim.MapPost("/scan", (SimScanRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            WithUserAsync(users, body.OpenId, id => actions.ScanAsync(id, body.Ticket ?? body.Url, ct)));
        sim.MapPost("/text", (SimTextRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            string.IsNullOrEmpty(body.Content)
                ? Task.FromResult<IResult>(Problem(400, "content is required"))
                : WithUserAsync(users, body.OpenId, id => actions.TextAsync(id, body.Content, ct)));
        sim.MapPost("/click", (SimClickRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            string.IsNullOrEmpty(body.Key)
                ? Task.FromResult<IResult>(Problem(400, "key is required"))
                : WithUserAsync(users, body.OpenId, id => actions.ClickAsync(id, body.Key, ct)));
        sim.MapPost("/view", (SimViewRequest body, UserStore users, SimActions actions, CancellationToken ct) =>
            string.IsNullOrEmpty(body.Url)
                ? Task.FromResult<IResult>(Problem(400, "url is required"))
                : WithUserAsync(users, body.OpenId, id => actions.ViewAsync(id, body.Url, ct)));

        sim.MapPost("/open", OpenAsync);
        sim.MapPost("/browse", Browse);
        sim.MapGet("/browser", (string? openid, UserStore users) => users.Find(openid) is { } user
            ? Results.Ok(new { openid = user.OpenId, url = users.BrowserLocationOf(user.OpenId)?.ToString() })
            : Problem(404, "unknown openid"));
        sim.MapGet("/inbox", Inbox);
        sim.MapGet("/qrcodes", Qrcodes);
        sim.MapGet("/deliveries", (DeliveryLog log) => TypedResults.Ok(log.NewestFirst()));
        sim.MapGet("/menu", (MenuStore menus) => TypedResults.Ok(menus.Current));
        sim.MapGet("/tokens", (AccessTokenStore tokens) => TypedResults.Ok(tokens.Fetches));

        sim.MapGet("/faults", (EmulatorFaults faults) => TypedResults.Ok(faults.Snapshot()));
        sim.MapPost("/faults", (SimFaultsRequest body, EmulatorFaults faults) =>
        {
            faults.Set(body.SlowCallbackMs, body.FailCallbackCount, body.ForceInvalidToken, body.DropReplies);
            faults.SetApiFaults(body.TokenFailCount, body.SlowTokenMs, body.InvalidTokenCount, body.QrcodeCreateFailCount);
            return TypedResults.Ok(faults.Snapshot());
        });
        sim.MapDelete("/faults", (EmulatorFaults faults) =>
        {
            faults.Reset();
            return TypedResults.Ok(faults.Snapshot());
        });

        sim.MapGet("/templates", (TemplateRegistry templates) => TypedResults.Ok(templates.List()));
        sim.MapPost("/templates", IResult (SimTemplateRequest body, TemplateRegistry templates) =>
        {
            if (string.IsNullOrWhiteSpace(body.TemplateId))
            {
                return Problem(400, "template_id is required");
            }

            templates.Add(body.TemplateId);
            return TypedResults.Ok(templates.List());
        });

        sim.MapPost("/verify-url", async (PushService push, CancellationToken ct) => TypedResults.Ok(await push.VerifyUrlAsync(ct)));
        sim.MapPost("/reset", (UserStore users, QrcodeStore qrcodes, DeliveryLog log, EmulatorFaults faults, MenuStore menus) =>
        {
            users.Clear();
            qrcodes.Clear();
            log.Clear();
            faults.Reset();
            menus.Current = null;
            return TypedResults.Ok(new { reset = true });
        });
    }

    private static async Task<IResult> WithUserAsync(UserStore users, string? openId, Func<string, Task<SimOutcome>> action)
    {
        if (users.Find(openId) is null)
        {
            return Problem(404, "unknown openid; create one with POST /_sim/users");
        }

        return TypedResults.Ok(await action(openId!));
    }

    private static async Task<IResult> OpenAsync(SimOpenRequest body, HttpRequest request, UserStore users, SimBrowser browser,
        BrowserTargets targets, IOptions<EmulatorOptions> options, CancellationToken ct)
    {
        if (users.Find(body.OpenId) is null)
        {
            return Problem(404, "unknown openid; create one with POST /_sim/users");
        }

        if (string.IsNullOrWhiteSpace(body.Url) || !Uri.TryCreate(EmulatorUrls.Origin(request, options.Value), body.Url, out var url))
        {
            return Problem(400, "url is required");
        }

        if (!targets.IsAllowed(url) && !targets.IsAuthorizeUrl(url))
        {
            return Refused(targets.RefusalMessage(url), url.ToString(), []);
        }

        var result = await browser.OpenAsync(body.OpenId!, url, body.Method ?? "GET", body.Form, ct);
        return result.Refused is { } refusal ? Refused(refusal, result.FinalUrl, result.Visited) : TypedResults.Ok(result);
    }

    /// <summary>Where the phone page's frame goes to show a URL in this user's in-WeChat browser.</summary>
    private static IResult Browse(SimViewRequest body, HttpRequest request, UserStore users, PhoneBrowserProxy proxy, BrowserTargets targets,
        IOptions<EmulatorOptions> options)
    {
        if (users.Find(body.OpenId) is not { } user)
        {
            return Problem(404, "unknown openid; create one with POST /_sim/users");
        }

        if (string.IsNullOrWhiteSpace(body.Url) || !Uri.TryCreate(EmulatorUrls.Origin(request, options.Value), body.Url, out var url))
        {
            return Problem(400, "url is required");
        }

        return proxy.FrameUrl(user, url, request) is { } frameUrl
            ? TypedResults.Ok(new { openid = user.OpenId, url = url.ToString(), frameUrl = frameUrl.ToString() })
            : Refused(targets.RefusalMessage(url), url.ToString(), []);
    }

    private static IResult Inbox(string? openid, UserStore users)
    {
        if (users.Find(openid) is not { } user)
        {
            return Problem(404, "unknown openid");
        }

        var chat = users.History(user.OpenId);
        return TypedResults.Ok(new
        {
            openid = user.OpenId,
            subscribed = user.Subscribed,
            messages = chat.Where(i => i.Direction == "in"),
            chat,
        });
    }

    private static Ok<QrcodeView[]> Qrcodes(HttpRequest request, QrcodeStore qrcodes, IOptions<EmulatorOptions> options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        return TypedResults.Ok(qrcodes.NewestFirst().Select(q => new QrcodeView(
            q.Ticket, q.Url, q.ActionName, q.Scene, q.SceneId, q.SceneStr, q.IsPermanent, q.CreatedAt, q.ExpiresAt, q.IsExpired(now), q.ScannedAt, q.ScannedBy,
            EmulatorUrls.Emulator(request, options.Value, "/cgi-bin/showqrcode?ticket=" + Uri.EscapeDataString(q.Ticket)))).ToArray());
    }

    private static object UserJson(SimUserView u) => new
    {
        openid = u.OpenId,
        nickname = u.Nickname,
        subscribed = u.Subscribed,
        subscribeScene = u.SubscribeScene,
        qrScene = u.QrScene,
        qrSceneStr = u.QrSceneStr,
    };

    private static JsonHttpResult<SimError> Problem(int status, string error) => TypedResults.Json(new SimError(error), statusCode: status);

    /// <summary>A URL outside the app's origin and the emulator: 403 problem, nothing fetched.</summary>
    internal static ProblemHttpResult Refused(string detail, string url, IReadOnlyList<string> visited) =>
        TypedResults.Problem(detail, statusCode: 403, title: "URL refused by the in-WeChat browser",
            extensions: new Dictionary<string, object?> { ["error"] = detail, ["url"] = url, ["visited"] = visited });
}

internal sealed record SimError(string Error);

internal sealed record QrcodeView(
    string Ticket,
    string Url,
    string ActionName,
    string Scene,
    long? SceneId,
    string? SceneStr,
    bool Permanent,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool Expired,
    DateTimeOffset? ScannedAt,
    string? ScannedBy,
    string ShowqrcodeUrl);
