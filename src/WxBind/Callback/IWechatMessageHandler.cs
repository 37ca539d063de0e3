using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// A feature's share of the WeChat pushes. Register with
/// <c>builder.Services.AddWechatMessageHandler&lt;THandler&gt;()</c> (scoped). Handlers are asked in
/// registration order and the first non-null reply wins; each push reaches handlers once, even
/// when WeChat delivers it again.
/// </summary>
internal interface IWechatMessageHandler
{
    /// <returns>Null when the message is not this handler's; <see cref="WechatReply.Success"/> to acknowledge silently.</returns>
    ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken);
}
