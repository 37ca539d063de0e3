using Microsoft.AspNetCore.Http;
using WxBind.Emulator.Tokens;

namespace WxBind.Emulator.Api;

internal static class ApiGuard
{
    /// <summary>Every API that takes <c>access_token</c> checks it first: 41001, 40001 or 42001.</summary>
    public static IResult? RejectToken(HttpRequest request, AccessTokenStore tokens)
    {
        var code = tokens.Check(request.Query["access_token"].ToString());
        return code == 0 ? null : WechatError.Result(code);
    }
}
