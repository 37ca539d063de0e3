using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxBind.Emulator.Tokens;

namespace WxBind.Emulator.Api;

/// <summary><c>/cgi-bin/token</c> and <c>/cgi-bin/stable_token</c> (wechat-protocol.md §4).</summary>
internal static class TokenEndpoints
{
    public static void MapTokenEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapGet("/cgi-bin/token", GetTokenAsync);
        group.MapPost("/cgi-bin/stable_token", GetStableTokenAsync);
    }

    private static async Task<IResult> GetTokenAsync(HttpRequest request, AccessTokenStore tokens, IOptions<EmulatorOptions> options,
        ILoggerFactory loggers, EmulatorFaults faults, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FaultAsync(faults, time, cancellationToken) is { } failed)
        {
            return failed;
        }

        var query = request.Query;
        var code = CheckCredentials(query["grant_type"], query["appid"], query["secret"], options.Value);
        if (code != 0)
        {
            return WechatError.Result(code);
        }

        var issued = tokens.Issue();
        EmulatorLog.TokenIssued(loggers.CreateLogger("WxBind.Emulator.Api"), "cgi-bin/token");
        return WechatError.Success(new JsonObject { ["access_token"] = issued.AccessToken, ["expires_in"] = issued.ExpiresIn });
    }

    private static async Task<IResult> GetStableTokenAsync(HttpRequest request, AccessTokenStore tokens, IOptions<EmulatorOptions> options,
        ILoggerFactory loggers, EmulatorFaults faults, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await FaultAsync(faults, time, cancellationToken) is { } failed)
        {
            return failed;
        }

        var body = await EmulatorJson.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return WechatError.Result(47001);
        }

        var code = CheckCredentials(EmulatorJson.String(body["grant_type"]), EmulatorJson.String(body["appid"]), EmulatorJson.String(body["secret"]), options.Value);
        if (code != 0)
        {
            return WechatError.Result(code);
        }

        var issued = tokens.IssueStable(EmulatorJson.Bool(body["force_refresh"]));
        EmulatorLog.TokenIssued(loggers.CreateLogger("WxBind.Emulator.Api"), "cgi-bin/stable_token");
        return WechatError.Success(new JsonObject { ["access_token"] = issued.AccessToken, ["expires_in"] = issued.ExpiresIn });
    }

    /// <summary>The token faults of <c>/_sim/faults</c>: answer late, or with WeChat's system error (-1).</summary>
    private static async Task<IResult?> FaultAsync(EmulatorFaults faults, TimeProvider time, CancellationToken cancellationToken)
    {
        var (delay, fail) = faults.OnTokenRequest();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        return fail ? WechatError.Result(-1) : null;
    }

    private static int CheckCredentials(string? grantType, string? appId, string? secret, EmulatorOptions options)
    {
        if (grantType != "client_credential")
        {
            return 40002;
        }

        if (string.IsNullOrEmpty(appId))
        {
            return 41002;
        }

        if (string.IsNullOrEmpty(secret))
        {
            return 41004;
        }

        if (!string.Equals(appId, options.AppId, StringComparison.Ordinal))
        {
            return 40013;
        }

        return string.Equals(secret, options.AppSecret, StringComparison.Ordinal) ? 0 : 40125;
    }
}
