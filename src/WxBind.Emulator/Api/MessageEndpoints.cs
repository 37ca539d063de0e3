using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WxBind.Emulator.Push;
using WxBind.Emulator.Tokens;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Api;

/// <summary>Customer-service and template messages (wechat-protocol.md §6, §11.12–§11.13).</summary>
internal static class MessageEndpoints
{
    public static void MapMessageEndpoints(this IEndpointRouteBuilder group)
    {
        group.MapPost("/cgi-bin/message/custom/send", CustomSendAsync);
        group.MapPost("/cgi-bin/message/template/send", TemplateSendAsync);
    }

    /// <summary>
    /// What both sends check first, in WeChat's order: the token (40001/42001…), a JSON body
    /// (47001), a known recipient (40003).
    /// </summary>
    private static async Task<(IResult? Error, JsonObject Body, SimUserView User)> ReadSendAsync(
        HttpRequest request, AccessTokenStore tokens, UserStore users, CancellationToken cancellationToken)
    {
        if (ApiGuard.RejectToken(request, tokens) is { } rejected)
        {
            return (rejected, null!, null!);
        }
        if (await EmulatorJson.ReadObjectAsync(request, cancellationToken) is not { } body)
        {
            return (WechatError.Result(47001), null!, null!);
        }
        return users.Find(EmulatorJson.String(body["touser"])) is { } user
            ? (null, body, user)
            : (WechatError.Result(40003), body, null!);
    }

    private static async Task<IResult> CustomSendAsync(HttpRequest request, AccessTokenStore tokens, UserStore users, CancellationToken cancellationToken)
    {
        var (error, body, user) = await ReadSendAsync(request, tokens, users, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var msgType = EmulatorJson.String(body["msgtype"]);
        string? content = null;
        List<InboxArticle>? articles = null;
        switch (msgType)
        {
            case "text":
                content = EmulatorJson.String(body["text"]?["content"]);
                if (string.IsNullOrEmpty(content))
                {
                    return WechatError.Result(47003);
                }

                break;
            case "news":
                if (body["news"]?["articles"] is not JsonArray items || items.Count == 0)
                {
                    return WechatError.Result(47003);
                }

                if (items.Count > 1)
                {
                    return WechatError.Result(45008);
                }

                articles = [.. items.Select(a => new InboxArticle(
                    EmulatorJson.String(a?["title"]) ?? "",
                    EmulatorJson.String(a?["description"]) ?? "",
                    EmulatorJson.String(a?["url"]) ?? "",
                    EmulatorJson.String(a?["picurl"]) ?? ""))];
                break;
            default:
                return WechatError.Result(40008);
        }

        var window = users.TryUseWindow(user.OpenId);
        if (window != 0)
        {
            return WechatError.Result(window);
        }

        users.Append(user.OpenId, "in", "custom", msgType, content, articles);
        return WechatError.Ok();
    }

    private static async Task<IResult> TemplateSendAsync(HttpRequest request, AccessTokenStore tokens, UserStore users, TemplateRegistry templates,
        MsgIdGenerator msgIds, PushService push, TimeProvider time, IHostApplicationLifetime lifetime, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (error, body, user) = await ReadSendAsync(request, tokens, users, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!user.Subscribed)
        {
            return WechatError.Result(43004);
        }

        var templateId = EmulatorJson.String(body["template_id"]);
        if (!templates.Contains(templateId))
        {
            return WechatError.Result(40037);
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body["data"] is JsonObject fields)
        {
            foreach (var (key, value) in fields)
            {
                data[key] = EmulatorJson.String(value?["value"]) ?? EmulatorJson.String(value) ?? "";
            }
        }

        var url = EmulatorJson.String(body["url"]);
        var content = string.Join('\n', data.Select(kv => kv.Key + ": " + kv.Value));
        users.Append(user.OpenId, "in", "template", "template", content, url: url, templateId: templateId, data: data);

        var msgId = msgIds.Next();
        var logger = loggers.CreateLogger("WxBind.Emulator.Api");
        // WeChat reports the delivery later, after the API call has answered.
        var job = PushMessage.TemplateSendJobFinish(user.OpenId, time.GetUtcNow().ToUnixTimeSeconds(), msgId, "success");
        _ = Task.Run(async () =>
        {
            try
            {
                await push.DeliverAsync(job, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                EmulatorLog.BackgroundPushFailed(logger, job.Label, e);
            }
        }, CancellationToken.None);

        return WechatError.Ok(new JsonObject { ["msgid"] = msgId });
    }
}
