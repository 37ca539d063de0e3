using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// The built-in last resort: a text message no feature claimed gets a short help reply, so the
/// user is never left without an answer. Asked after every registered handler.
/// </summary>
internal sealed class HelpReplyHandler : IWechatMessageHandler
{
    /// <summary>Lists exactly the text commands some handler answers (绑定, 解绑, 订单, 活动); keep it in step with them.</summary>
    public const string HelpText = "你好！可以发送这些指令：\n「绑定」把微信绑定到网站账号\n「解绑」解除绑定\n「订单」查看最近的订单\n「活动」报名线下活动\n也可以使用下方的菜单。";

    public static bool Takes(WechatMessage message) => message.MsgType == "text";

    public ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Takes(message) ? WechatReply.Text(HelpText) : null);
}
