using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxBind.Emulator.Tokens;

namespace WxBind.Emulator.Api;

/// <summary><c>/cgi-bin/menu/create</c> and <c>/cgi-bin/menu/get</c>.</summary>
internal static class MenuEndpoints
{
    private static readonly HashSet<string> ButtonTypes = new(
        ["click", "view", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
         "location_select", "media_id", "article_id", "article_view_limited", "miniprogram"], StringComparer.Ordinal);

    public static void MapMenuEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost("/cgi-bin/menu/create", CreateAsync);
        group.MapGet("/cgi-bin/menu/get", (HttpRequest request, AccessTokenStore tokens, MenuStore menus) =>
            ApiGuard.RejectToken(request, tokens)
            ?? (menus.Current is { } menu ? WechatError.Success(new JsonObject { ["menu"] = menu }) : WechatError.Result(46003, "menu no exist")));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, AccessTokenStore tokens, MenuStore menus, CancellationToken cancellationToken)
    {
        if (ApiGuard.RejectToken(request, tokens) is { } rejected)
        {
            return rejected;
        }

        var body = await EmulatorJson.ReadObjectAsync(request, cancellationToken);
        if (body?["button"] is not JsonArray buttons)
        {
            return WechatError.Result(47001);
        }

        var code = Validate(buttons, 3, allowSub: true);
        if (code != 0)
        {
            return WechatError.Result(code);
        }

        menus.Current = body;
        return WechatError.Ok();
    }

    private static int Validate(JsonArray buttons, int max, bool allowSub)
    {
        if (buttons.Count < 1 || buttons.Count > max)
        {
            return 40016;
        }

        foreach (var button in buttons)
        {
            if (string.IsNullOrWhiteSpace(EmulatorJson.String(button?["name"])))
            {
                return 47003;
            }

            if (allowSub && button?["sub_button"] is JsonArray { Count: > 0 } subs)
            {
                var code = Validate(subs, 5, allowSub: false);
                if (code != 0)
                {
                    return code;
                }

                continue;
            }

            var type = EmulatorJson.String(button?["type"]);
            if (type is null || !ButtonTypes.Contains(type))
            {
                return 40017;
            }

            var needed = type switch { "view" => "url", "miniprogram" => "url", "media_id" => "media_id", "article_id" or "article_view_limited" => "article_id", _ => "key" };
            if (string.IsNullOrWhiteSpace(EmulatorJson.String(button?[needed])))
            {
                return 47003;
            }
        }

        return 0;
    }
}
