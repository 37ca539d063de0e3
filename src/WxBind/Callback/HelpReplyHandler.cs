using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// The built-in last resort: a text message no feature claimed gets a short help reply, so the
/// user is never left without an answer. Asked after every registered handler.
/// </summary>
internal sealed class HelpReplyHandler : IWechatMessageHandler
{
    public const string HelpText = "你好！发送「绑定」把微信绑定到网站账号，发送「解绑」解除绑定，发送「订单」查看最近的订单。";

    public ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(message.MsgType == "text" ? WechatReply.Text(HelpText) : null);
}
