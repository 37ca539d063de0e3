using WxBind.Binding;
using WxBind.Callback;
using WxBind.Wechat;
using WxBind.WechatWeb;

namespace WxBind.Events;

/// <summary>
/// Scans of the door screen's check-in codes (<c>c_…</c> scenes), by followers (<c>SCAN</c>) or
/// people who follow through the code (<c>subscribe</c>). Every scan is answered and recorded.
/// </summary>
internal sealed class CheckinScanHandler(
    EventStore store,
    EventService events,
    BindingService binding,
    WechatLoginLinks links,
    TimeProvider time) : IWechatMessageHandler
{
    public static bool Takes(WechatMessage message) => message.IsScanOf(DoorCodes.ScenePrefix);

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var scene = message.SceneStr!;
        var bound = message.Event == "subscribe"
            // A follow through the code is a follow, whatever becomes of the check-in.
            ? await binding.SetSubscribedAsync(message.OpenId, subscribed: true, cancellationToken)
            : await binding.FindByOpenIdAsync(message.OpenId, cancellationToken);

        var code = await store.FindDoorCodeAsync(scene, cancellationToken);
        if (code is null)
        {
            return WechatReply.Text(EventMessages.ExpiredCode);
        }
        if (code.AcceptUntil <= time.GetUtcNow())
        {
            await events.RecordAsync(code.EventId, bound?.UserId, message.OpenId, CheckinOutcome.ExpiredCode, cancellationToken);
            return WechatReply.Text(EventMessages.ExpiredCode);
        }
        var item = await events.GetAsync(code.EventId, cancellationToken);
        if (item is null)
        {
            return WechatReply.Text(EventMessages.ExpiredCode);
        }
        if (events.WindowRefusal(item) is { } refused)
        {
            await events.RecordAsync(item.Id, bound?.UserId, message.OpenId, refused.Outcome, cancellationToken);
            return WechatReply.Text(refused.Reply);
        }
        if (bound is null)
        {
            await events.RecordUnboundAsync(item, message.OpenId, cancellationToken);
            return await links.ReplyForUnboundAsync(message.OpenId, $"/wx/events/{item.Id}", EventMessages.UnboundGreeting, cancellationToken);
        }
        var (_, reply) = await events.CheckInAsync(item, bound.UserId, message.OpenId, "scan", cancellationToken);
        return WechatReply.Text(reply);
    }
}
