using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WxBind.Callback;
using WxBind.QrSessions;
using WxBind.Storage;
using WxBind.Wechat;
using WxBind.WechatWeb;

namespace WxBind.Binding;

/// <summary>Scans of bind QR codes: <c>subscribe</c> with <c>qrscene_b_…</c> (new follower) or <c>SCAN</c> with <c>b_…</c>.</summary>
internal sealed class BindingScanHandler(BindingService binding) : IWechatMessageHandler
{
    public static bool Takes(WechatMessage message) => message.IsScanOf(QrSessionService.ScenePrefix(QrSessionPurpose.Bind));

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var outcome = await binding.BindByScanAsync(message.SceneStr!, message.OpenId, cancellationToken);
        if (message.Event == "subscribe" && outcome.Result != BindResult.Bound)
        {
            // A follow through the code is still a follow, whatever became of the binding.
            await binding.SetSubscribedAsync(message.OpenId, subscribed: true, cancellationToken);
        }
        return WechatReply.Text(BindingMessages.For(outcome));
    }
}

/// <summary>
/// <c>解绑</c> sent in WeChat asks first; only <c>确认解绑</c> within a few minutes unbinds, so a
/// stray or mistyped message never removes a binding.
/// </summary>
internal sealed class UnbindTextHandler(BindingService binding, UnbindRequestStore requests, IOptions<WechatOptions> wechat, UserManager<User> users) : IWechatMessageHandler
{
    public const string Request = "解绑";
    public const string Confirm = "确认解绑";

    public static bool Takes(WechatMessage message) =>
        message.MsgType == "text" && message.Content?.Trim() is Request or Confirm;

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var text = message.Content!.Trim();
        var appId = wechat.Value.AppId;
        if (text == Request)
        {
            if (await binding.FindByOpenIdAsync(message.OpenId, cancellationToken) is not { } bound)
            {
                return WechatReply.Text(BindingMessages.NotBound);
            }
            await requests.RequestAsync(appId, message.OpenId, cancellationToken);
            return WechatReply.Text(BindingMessages.ConfirmUnbind(await users.FindByIdAsync(bound.UserId), UnbindRequestStore.Lifetime));
        }
        if (!await requests.TryTakeAsync(appId, message.OpenId, cancellationToken))
        {
            return WechatReply.Text(BindingMessages.NoUnbindRequest);
        }
        var removed = await binding.UnbindOpenIdAsync(message.OpenId, "wechat", cancellationToken);
        if (removed is null)
        {
            return WechatReply.Text(BindingMessages.NotBound);
        }
        return WechatReply.Text(BindingMessages.Unbound(await users.FindByIdAsync(removed.UserId)));
    }
}

/// <summary>
/// Follow and unfollow without a scene: the binding stays, its follow state changes. A new
/// follower who is not bound is welcomed with a signed link to log in or register (F3).
/// </summary>
internal sealed class FollowHandler(BindingService binding, WechatLoginLinks links) : IWechatMessageHandler
{
    public static bool Takes(WechatMessage message) => message.Event is "subscribe" or "unsubscribe";

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        switch (message.Event)
        {
            case "unsubscribe":
                await binding.SetSubscribedAsync(message.OpenId, subscribed: false, cancellationToken);
                return WechatReply.Success;
            case "subscribe" when message.SceneStr is null:
                var bound = await binding.SetSubscribedAsync(message.OpenId, subscribed: true, cancellationToken);
                return bound is null
                    ? await links.ReplyForUnboundAsync(message.OpenId, returnPath: null, greeting: "欢迎关注！", cancellationToken)
                    : WechatReply.Text("欢迎回来！你的微信已绑定网站账号。");
            default:
                return null;
        }
    }
}
