using WxBind.Callback;
using WxBind.Wechat;

namespace WxBind.Menu;

/// <summary>The menu item <c>HELP</c>: the same help text as an unknown message.</summary>
internal sealed class HelpClickHandler : IWechatMessageHandler
{
    public const string MenuKey = "HELP";

    public ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(message.Event == "CLICK" && message.EventKey == MenuKey ? WechatReply.Text(HelpReplyHandler.HelpText) : null);
}
