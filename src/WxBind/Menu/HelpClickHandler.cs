using WxBind.Callback;
using WxBind.Wechat;

namespace WxBind.Menu;

/// <summary>The menu item <c>HELP</c>: the same help text as an unknown message.</summary>
internal sealed class HelpClickHandler : IWechatMessageHandler
{
    public const string MenuKey = "HELP";

    public static bool Takes(WechatMessage message) => message.Event == "CLICK" && message.EventKey == MenuKey;

    public ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult<WechatReply?>(WechatReply.Text(HelpReplyHandler.HelpText));
}
