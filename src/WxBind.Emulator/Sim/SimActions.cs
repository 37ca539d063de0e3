using WxBind.Emulator.Api;
using WxBind.Emulator.Push;
using WxBind.Emulator.Qrcodes;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Sim;

/// <summary>
/// What a simulated user does in WeChat, turned into pushes. The customer-service window opens
/// before the push goes out, because the app may call custom/send while it handles the push.
/// </summary>
internal sealed class SimActions(UserStore users, QrcodeStore qrcodes, PushService push, MsgIdGenerator msgIds, TimeProvider time)
{
    private static readonly TimeSpan MessageWindow = TimeSpan.FromHours(48);
    private static readonly TimeSpan EventWindow = TimeSpan.FromMinutes(1);

    public async Task<SimOutcome> FollowAsync(string openId, CancellationToken cancellationToken)
    {
        if (!users.Subscribe(openId, "ADD_SCENE_PROFILE_CARD"))
        {
            return SimOutcome.NotSent("already-following", "用户已关注");
        }

        users.OpenWindow(openId, EventWindow, 3);
        return await DeliverAsync(PushMessage.EventMessage(openId, Now(), "subscribe"), showReply: true, cancellationToken);
    }

    public async Task<SimOutcome> UnfollowAsync(string openId, CancellationToken cancellationToken)
    {
        if (!users.Unsubscribe(openId))
        {
            return SimOutcome.NotSent("not-following", "用户未关注");
        }

        // Whatever the app answers to an unsubscribe never reaches the user.
        return await DeliverAsync(PushMessage.EventMessage(openId, Now(), "unsubscribe"), showReply: false, cancellationToken);
    }

    public async Task<SimOutcome> ScanAsync(string openId, string? ticketOrUrl, CancellationToken cancellationToken)
    {
        var qr = qrcodes.Find(ticketOrUrl);
        if (qr is null && !qrcodes.IsExpiredCode(ticketOrUrl))
        {
            return SimOutcome.NotSent("unknown-qrcode", "不是本公众号的二维码");
        }

        // Expired, whether still listed or already forgotten.
        if (qr is null || !qrcodes.IsLive(qr))
        {
            return SimOutcome.NotSent("expired", "二维码已过期，未推送任何事件");
        }

        PushMessage message;
        if (users.Subscribe(openId, "ADD_SCENE_QR_CODE", qr.SceneId ?? 0, qr.SceneStr ?? ""))
        {
            message = PushMessage.EventMessage(openId, Now(), "subscribe", "qrscene_" + qr.Scene, qr.Ticket);
        }
        else
        {
            message = PushMessage.EventMessage(openId, Now(), "SCAN", qr.Scene, qr.Ticket);
        }

        qrcodes.MarkScanned(qr, users.Find(openId)?.Nickname ?? "");
        users.OpenWindow(openId, EventWindow, 3);
        return await DeliverAsync(message, showReply: true, cancellationToken);
    }

    public async Task<SimOutcome> TextAsync(string openId, string content, CancellationToken cancellationToken)
    {
        if (users.Find(openId) is not { Subscribed: true })
        {
            return SimOutcome.NotSent("not-following", "关注公众号后才能发消息");
        }

        users.Append(openId, "out", "user", "text", content);
        users.OpenWindow(openId, MessageWindow, 5);
        return await DeliverAsync(PushMessage.Text(openId, Now(), content, msgIds.Next()), showReply: true, cancellationToken);
    }

    public async Task<SimOutcome> ClickAsync(string openId, string key, CancellationToken cancellationToken)
    {
        if (users.Find(openId) is not { Subscribed: true })
        {
            return SimOutcome.NotSent("not-following", "关注公众号后才能使用菜单");
        }

        users.OpenWindow(openId, EventWindow, 3);
        return await DeliverAsync(PushMessage.EventMessage(openId, Now(), "CLICK", key), showReply: true, cancellationToken);
    }

    public async Task<SimOutcome> ViewAsync(string openId, string url, CancellationToken cancellationToken)
    {
        // WeChat opens the page itself; a reply to VIEW is never shown, and no window opens.
        return await DeliverAsync(PushMessage.EventMessage(openId, Now(), "VIEW", url), showReply: false, cancellationToken);
    }

    private async Task<SimOutcome> DeliverAsync(PushMessage message, bool showReply, CancellationToken cancellationToken)
    {
        var result = await push.DeliverAsync(message, cancellationToken);
        if (showReply && result.Reply is { } reply && reply.MsgType is "text" or "news" or "image" or "voice" or "video" or "music")
        {
            users.Append(message.OpenId, "in", "reply", reply.MsgType, reply.Content ?? (reply.MsgType is "text" or "news" ? null : $"[{reply.MsgType}]"), reply.Articles);
        }
        else if (showReply && result.Outcome == DeliveryResult.Notice)
        {
            users.Append(message.OpenId, "in", "notice", "system", DeliveryResult.Notice);
        }

        return new SimOutcome(result.Delivered, result.Attempts, result.Outcome, result.Detail, result.MsgId, message.Label, SimReply.From(result.Reply));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();
}

internal sealed record SimOutcome(bool Delivered, int Attempts, string Outcome, string? Detail, string? MsgId, string? Event, SimReply? Reply)
{
    public static SimOutcome NotSent(string outcome, string detail) => new(false, 0, outcome, detail, null, null, null);
}

internal sealed record SimReply(string MsgType, string? Content, IReadOnlyList<InboxArticle>? Articles)
{
    public static SimReply? From(PushReply? reply) => reply is null ? null : new SimReply(reply.MsgType, reply.Content, reply.Articles);
}
