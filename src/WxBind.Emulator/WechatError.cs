using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace WxBind.Emulator;

/// <summary>
/// WeChat's JSON envelope: always HTTP 200, canonical errmsg prefix plus a rid suffix
/// (wechat-protocol.md §0, §10), because SDKs substring-match some of these prefixes.
/// </summary>
internal static class WechatError
{
    private static readonly Dictionary<int, string> Messages = new()
    {
        [-1] = "system error",
        [40001] = "invalid credential, access_token is invalid or not latest",
        [40002] = "invalid grant_type",
        [40003] = "invalid openid",
        [40008] = "invalid message type",
        [40013] = "invalid appid",
        [40016] = "invalid button size",
        [40017] = "invalid button type",
        [40029] = "invalid code",
        [40030] = "invalid refresh_token",
        [40037] = "invalid template_id",
        [40125] = "invalid appsecret",
        [40163] = "code been used",
        [41001] = "access_token missing",
        [41002] = "appid missing",
        [41004] = "appsecret missing",
        [41008] = "missing code",
        [42001] = "access_token expired",
        [42002] = "refresh_token expired",
        [43004] = "require subscribe",
        [45008] = "article size out of limit",
        [45015] = "response out of time limit or subscription is canceled",
        [45047] = "out of response count limit",
        [47001] = "data format error",
        [47003] = "argument invalid!",
        [48001] = "api unauthorized",
    };

    public static string MessageFor(int code) => Messages.TryGetValue(code, out var m) ? m : "error";

    public static IResult Result(int code) => Result(code, MessageFor(code));

    public static IResult Result(int code, string message) =>
        TypedResults.Json(new JsonObject { ["errcode"] = code, ["errmsg"] = message + " rid: " + NewRid() }, EmulatorJson.Options);

    /// <summary>For the endpoints that answer <c>{"errcode":0,"errmsg":"ok"}</c> on success.</summary>
    public static IResult Ok(JsonObject? extra = null)
    {
        var body = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return TypedResults.Json(body, EmulatorJson.Options);
    }

    /// <summary>For the endpoints that leave <c>errcode</c> out on success.</summary>
    public static IResult Success(JsonObject body) => TypedResults.Json(body, EmulatorJson.Options);

    private static string NewRid() =>
        string.Join('-', Enumerable.Range(0, 3).Select(_ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))));
}
