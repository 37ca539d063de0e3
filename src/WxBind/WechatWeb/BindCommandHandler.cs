using Microsoft.AspNetCore.Identity;
using WxBind.Binding;
using WxBind.Callback;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>绑定</c> sent in WeChat, or the menu item with key <c>BIND</c>: an unbound user gets a signed
/// login link, a bound one is told which account they are bound to.
/// </summary>
internal sealed class BindCommandHandler(BindingService binding, UserManager<User> users, WechatLoginLinks links) : IWechatMessageHandler
{
    public const string MenuKey = "BIND";

    public static bool Takes(WechatMessage message) => message.IsCommand("绑定", MenuKey);

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var current = await binding.FindByOpenIdAsync(message.OpenId, cancellationToken);
        if (current is null)
        {
            return await links.ReplyForUnboundAsync(message.OpenId, returnPath: null, cancellationToken: cancellationToken);
        }
        return WechatReply.Text(BindingMessages.For(new BindOutcome(BindResult.AlreadyBound, await users.FindByIdAsync(current.UserId))));
    }
}
