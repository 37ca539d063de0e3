using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// A feature's share of the WeChat pushes. Register with
/// <c>builder.Services.AddWechatMessageHandler&lt;THandler&gt;()</c> (scoped). For each push the
/// handlers whose <see cref="Takes"/> says yes are created and asked, in registration order; the
/// first non-null reply wins. Each push reaches handlers once, even when WeChat delivers it again.
/// </summary>
internal interface IWechatMessageHandler
{
    /// <summary>
    /// Whether the push is this handler's (a command, a menu key, a scene prefix). Asked before the
    /// handler is created, so a push costs only the handlers it concerns.
    /// </summary>
    static abstract bool Takes(WechatMessage message);

    /// <summary>Asked only for pushes it <see cref="Takes"/>.</summary>
    /// <returns>Null to leave the message to the next handler; <see cref="WechatReply.Success"/> to acknowledge silently.</returns>
    ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken);
}
