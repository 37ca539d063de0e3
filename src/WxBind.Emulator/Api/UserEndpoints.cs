using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxBind.Emulator.Tokens;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Api;

/// <summary><c>/cgi-bin/user/info</c> in its post-2021 shape (wechat-protocol.md §7, §11.11).</summary>
internal static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder group) => group.MapGet("/cgi-bin/user/info", GetInfo);

    private static IResult GetInfo(HttpRequest request, AccessTokenStore tokens, UserStore users)
    {
        if (ApiGuard.RejectToken(request, tokens) is { } rejected)
        {
            return rejected;
        }

        var user = users.Find(request.Query["openid"].ToString());
        if (user is null)
        {
            return WechatError.Result(40003);
        }

        if (!user.Subscribed)
        {
            return WechatError.Success(new JsonObject { ["subscribe"] = 0, ["openid"] = user.OpenId });
        }

        // nickname and headimgurl have not been returned since 2021-12-27; never send them.
        return WechatError.Success(new JsonObject
        {
            ["subscribe"] = 1,
            ["openid"] = user.OpenId,
            ["language"] = "zh_CN",
            ["subscribe_time"] = user.SubscribeTime?.ToUnixTimeSeconds() ?? 0,
            ["remark"] = "",
            ["groupid"] = 0,
            ["tagid_list"] = new JsonArray(),
            ["subscribe_scene"] = user.SubscribeScene,
            ["qr_scene"] = user.QrScene,
            ["qr_scene_str"] = user.QrSceneStr,
        });
    }
}
