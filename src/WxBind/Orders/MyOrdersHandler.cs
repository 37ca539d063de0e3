using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using WxBind.Binding;
using WxBind.Callback;
using WxBind.Wechat;
using WxBind.WechatWeb;

namespace WxBind.Orders;

/// <summary>
/// <c>订单</c> sent in WeChat, or the menu item <c>MY_ORDERS</c>: a bound follower gets their own
/// recent orders with a link to <c>/wx/orders</c>; an unbound one gets the signed login link that
/// comes back to <c>/wx/orders</c> once bound.
/// </summary>
internal sealed class MyOrdersHandler(
    BindingService bindings, OrderStore orders, WechatLoginLinks links, IOptions<OrdersOptions> shop, IOptions<WxBindOptions> site) : IWechatMessageHandler
{
    public const string MenuKey = "MY_ORDERS";
    public const string Command = "订单";
    public const string ReturnPath = "/wx/orders";

    public static bool Takes(WechatMessage message) => message.IsCommand(Command, MenuKey);

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var binding = await bindings.FindByOpenIdAsync(message.OpenId, cancellationToken);
        if (binding is null)
        {
            return await links.ReplyForUnboundAsync(message.OpenId, ReturnPath, cancellationToken: cancellationToken);
        }
        var recent = await orders.ListForUserAsync(binding.UserId, shop.Value.RecentInReply, cancellationToken);
        var page = site.Value.PublicBaseUrl.TrimEnd('/') + ReturnPath;
        var text = new StringBuilder();
        if (recent.Count == 0)
        {
            text.Append("你还没有订单。");
        }
        else
        {
            text.Append("你最近的订单：");
            foreach (var order in recent)
            {
                // Product names come from configuration; the chat renders text as HTML-ish markup.
                text.Append(CultureInfo.InvariantCulture, $"\n#{order.Id} {Escape(order.Summary)} {OrderStatus.Yuan(order.AmountFen)} {OrderStatus.Chinese(order.Status)}");
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"\n<a href=\"{page}\">查看订单或下单</a>");
        return WechatReply.Text(text.ToString());
    }

    // Only the characters that would make markup; "×" and Chinese stay as they are.
    private static string Escape(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
