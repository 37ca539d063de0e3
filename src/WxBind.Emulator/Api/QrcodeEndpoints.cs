using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using QRCoder;
using WxBind.Emulator.Qrcodes;
using WxBind.Emulator.Tokens;

namespace WxBind.Emulator.Api;

/// <summary><c>/cgi-bin/qrcode/create</c> and <c>/cgi-bin/showqrcode</c> (wechat-protocol.md §5, §11.10).</summary>
internal static class QrcodeEndpoints
{
    public const int MaxExpireSeconds = 2_592_000;
    public const int MaxPermanent = 100_000;

    public static void MapQrcodeEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost("/cgi-bin/qrcode/create", CreateAsync);
        group.MapGet("/cgi-bin/showqrcode", Show);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, AccessTokenStore tokens, QrcodeStore qrcodes,
        IOptions<EmulatorOptions> options, EmulatorFaults faults, CancellationToken cancellationToken)
    {
        if (ApiGuard.RejectToken(request, tokens) is { } rejected)
        {
            return rejected;
        }

        if (faults.TryConsumeQrcodeCreateFailure())
        {
            return WechatError.Result(-1);
        }

        var body = await EmulatorJson.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return WechatError.Result(47001);
        }

        var action = EmulatorJson.String(body["action_name"]);
        var scene = body["action_info"]?["scene"];
        var sceneId = EmulatorJson.Int64(scene?["scene_id"]);
        var sceneStr = EmulatorJson.String(scene?["scene_str"]);
        var expireSeconds = EmulatorJson.Int64(body["expire_seconds"]);

        var temporary = action is "QR_SCENE" or "QR_STR_SCENE";
        var valid = action switch
        {
            "QR_SCENE" => sceneId is { } id && id != 0 && id >= int.MinValue && id <= uint.MaxValue,
            "QR_LIMIT_SCENE" => sceneId is >= 1 and <= MaxPermanent,
            "QR_STR_SCENE" or "QR_LIMIT_STR_SCENE" => sceneStr is { Length: >= 1 and <= 64 },
            _ => false,
        };
        if (!valid || (temporary && expireSeconds is < 0 or > MaxExpireSeconds))
        {
            return WechatError.Result(47003);
        }

        if (!temporary && qrcodes.PermanentCount() >= MaxPermanent)
        {
            return WechatError.Result(45009, "reach max api daily quota limit");
        }

        var isString = action is "QR_STR_SCENE" or "QR_LIMIT_STR_SCENE";
        int? expires = temporary ? (int)(expireSeconds is null or 0 ? options.Value.DefaultQrExpireSeconds : expireSeconds.Value) : null;
        var ticket = qrcodes.Create(action!, isString ? null : sceneId, isString ? sceneStr : null, expires);

        var response = new JsonObject { ["ticket"] = ticket.Ticket };
        if (expires is { } seconds)
        {
            response["expire_seconds"] = seconds;
        }

        response["url"] = ticket.Url;
        return WechatError.Success(response);
    }

    private static IResult Show(HttpRequest request, QrcodeStore qrcodes)
    {
        var ticket = qrcodes.Find(request.Query["ticket"].ToString());
        if (ticket is null || !qrcodes.IsLive(ticket))
        {
            return TypedResults.NotFound();
        }

        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(ticket.Url, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(8);
        return TypedResults.File(png, "image/png");
    }
}
