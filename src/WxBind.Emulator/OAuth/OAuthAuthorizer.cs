using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.OAuth;

/// <summary>
/// The decision behind <c>/connect/oauth2/authorize</c> (wechat-protocol.md §8.1), shared by the
/// real endpoint (user from the <c>wxemu_openid</c> cookie) and the simulated in-WeChat browser.
/// </summary>
internal sealed class OAuthAuthorizer(IOptions<EmulatorOptions> options, OAuthStore store, UserStore users)
{
    public const string UserCookie = "wxemu_openid";

    public AuthorizeDecision Decide(IDictionary<string, StringValues> query, string? openId)
    {
        string Get(string key) => query.TryGetValue(key, out var v) ? v.ToString() : "";

        var appId = Get("appid");
        var redirectUri = Get("redirect_uri");
        var scope = Get("scope");
        if (appId.Length == 0)
        {
            return AuthorizeDecision.Error(10012, "appid 参数错误");
        }

        if (!string.Equals(appId, options.Value.AppId, StringComparison.Ordinal))
        {
            return AuthorizeDecision.Error(40013, "invalid appid");
        }

        if (redirectUri.Length == 0)
        {
            return AuthorizeDecision.Error(10011, "redirect_uri 参数错误");
        }

        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            return AuthorizeDecision.Error(10003, "redirect_uri 域名与后台配置不一致");
        }

        if (scope.Length == 0)
        {
            return AuthorizeDecision.Error(10010, "scope 参数错误");
        }

        if (scope is not ("snsapi_base" or "snsapi_userinfo"))
        {
            return AuthorizeDecision.Error(10005, "此公众号并没有这些 scope 的权限");
        }

        if (users.Find(openId) is not { } user)
        {
            return AuthorizeDecision.Error(0, "请在微信客户端打开链接（在模拟手机页的聊天或菜单里点开）");
        }

        // The emulator consents on the user's behalf; a consent page would add nothing for tests.
        var code = store.IssueCode(appId, user.OpenId, scope);
        var location = QueryHelpers.AddQueryString(redirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = Get("state") });
        return new AuthorizeDecision(location, 0, null);
    }

    public static string ErrorPage(AuthorizeDecision decision) =>
        $"""
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>微信网页授权</title></head>
        <body style="font-family:sans-serif;text-align:center;padding-top:3em">
        <h2>Oops! Something went wrong:(</h2>
        <p class="errcode" data-errcode="{decision.ErrCode}">{(decision.ErrCode == 0 ? "" : decision.ErrCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}</p>
        <p class="errmsg">{WebUtility.HtmlEncode(decision.Message)}</p>
        </body></html>
        """;
}

internal sealed record AuthorizeDecision(string? Location, int ErrCode, string? Message)
{
    public static AuthorizeDecision Error(int code, string message) => new(null, code, message);
}
