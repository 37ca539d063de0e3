using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.OAuth;

/// <summary>Web authorization: authorize page and the <c>/sns/…</c> APIs (wechat-protocol.md §8, §11.14).</summary>
internal static class OAuthEndpoints
{
    public static void MapOAuthEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapGet("/connect/oauth2/authorize", Authorize);
        group.MapGet("/sns/oauth2/access_token", ExchangeCode);
        group.MapGet("/sns/oauth2/refresh_token", Refresh);
        group.MapGet("/sns/userinfo", UserInfo);
        group.MapGet("/sns/auth", Auth);
    }

    private static IResult Authorize(HttpRequest request, OAuthAuthorizer authorizer)
    {
        var decision = authorizer.Decide(request.Query.ToDictionary(), request.Cookies[OAuthAuthorizer.UserCookie]);
        return decision.Location is { } location
            ? TypedResults.Redirect(location)
            : TypedResults.Content(OAuthAuthorizer.ErrorPage(decision), "text/html; charset=utf-8");
    }

    private static IResult ExchangeCode(HttpRequest request, OAuthStore store, IOptions<EmulatorOptions> options)
    {
        var query = request.Query;
        var appId = query["appid"].ToString();
        var code = query["code"].ToString();
        if (code.Length == 0)
        {
            return WechatError.Result(41008);
        }

        // Consumed before anything else is judged: a failed exchange still burns the code.
        var (codeResult, grant) = store.ConsumeCode(code, appId);
        var credentials = CheckApp(appId, query["secret"].ToString(), requireSecret: true, options.Value);
        if (credentials != 0)
        {
            return WechatError.Result(credentials);
        }

        if (query["grant_type"] != "authorization_code")
        {
            return WechatError.Result(40002);
        }

        if (codeResult != 0 || grant is null)
        {
            return WechatError.Result(codeResult);
        }

        return TokenResponse(store, store.IssueTokens(grant.OpenId, grant.Scope));
    }

    private static IResult Refresh(HttpRequest request, OAuthStore store, IOptions<EmulatorOptions> options)
    {
        var query = request.Query;
        var credentials = CheckApp(query["appid"].ToString(), null, requireSecret: false, options.Value);
        if (credentials != 0)
        {
            return WechatError.Result(credentials);
        }

        if (query["grant_type"] != "refresh_token")
        {
            return WechatError.Result(40002);
        }

        var (code, grant) = store.Refresh(query["refresh_token"].ToString());
        return code != 0 || grant is null ? WechatError.Result(code) : TokenResponse(store, grant);
    }

    private static IResult UserInfo(HttpRequest request, OAuthStore store, UserStore users)
    {
        var (code, token) = store.CheckAccessToken(request.Query["access_token"].ToString());
        if (code != 0 || token is null)
        {
            return WechatError.Result(code);
        }

        if (request.Query["openid"] != token.OpenId)
        {
            return WechatError.Result(40003);
        }

        if (token.Scope != "snsapi_userinfo")
        {
            return WechatError.Result(48001);
        }

        var user = users.Find(token.OpenId);
        // sex, province, city and country have come back empty since late 2021.
        return WechatError.Success(new JsonObject
        {
            ["openid"] = token.OpenId,
            ["nickname"] = user?.Nickname ?? "微信用户",
            ["sex"] = 0,
            ["language"] = "",
            ["city"] = "",
            ["province"] = "",
            ["country"] = "",
            ["headimgurl"] = "https://thirdwx.qlogo.cn/mmopen/vi_32/wxbind-emulator/132",
            ["privilege"] = new JsonArray(),
        });
    }

    private static IResult Auth(HttpRequest request, OAuthStore store)
    {
        var (code, token) = store.CheckAccessToken(request.Query["access_token"].ToString());
        if (code != 0 || token is null)
        {
            return WechatError.Result(code);
        }

        return request.Query["openid"] == token.OpenId ? WechatError.Ok() : WechatError.Result(40003);
    }

    private static IResult TokenResponse(OAuthStore store, SnsGrant grant) => WechatError.Success(new JsonObject
    {
        ["access_token"] = grant.AccessToken.Value,
        ["expires_in"] = store.RemainingSeconds(grant.AccessToken),
        ["refresh_token"] = grant.RefreshToken.Value,
        ["openid"] = grant.AccessToken.OpenId,
        ["scope"] = grant.AccessToken.Scope,
    });

    private static int CheckApp(string appId, string? secret, bool requireSecret, EmulatorOptions options)
    {
        if (appId.Length == 0)
        {
            return 41002;
        }

        if (!string.Equals(appId, options.AppId, StringComparison.Ordinal))
        {
            return 40013;
        }

        if (!requireSecret)
        {
            return 0;
        }

        if (string.IsNullOrEmpty(secret))
        {
            return 41004;
        }

        return string.Equals(secret, options.AppSecret, StringComparison.Ordinal) ? 0 : 40125;
    }
}
