using System.Text;
using Microsoft.Extensions.Options;
using WxBind.Callback;
using WxBind.Localization;
using WxBind.Wechat;

namespace WxBind.Events;

/// <summary>
/// <c>活动</c> sent in WeChat (or a menu click with key <c>EVENTS</c>): the events open for
/// sign-up, each a link to its page inside WeChat.
/// </summary>
internal sealed class EventsTextHandler(EventStore store, SiteClock clock, IOptions<WxBindOptions> site) : IWechatMessageHandler
{
    public const string MenuKey = "EVENTS";

    public static bool Takes(WechatMessage message) => message.IsCommand("活动", MenuKey);

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var open = await store.ListOpenAsync(clock.Now, cancellationToken);
        if (open.Count == 0)
        {
            return WechatReply.Text("暂时没有可报名的活动。");
        }
        var text = new StringBuilder("近期活动（点标题报名）：");
        var baseUrl = site.Value.PublicBaseUrl.TrimEnd('/');
        // A text reply stays well under WeChat's 2048-byte limit with a handful of links.
        foreach (var item in open.Take(5))
        {
            text.Append('\n').Append($"<a href=\"{baseUrl}/wx/events/{Uri.EscapeDataString(item.Id)}\">{EventMessages.Plain(item.Title)}</a>")
                .Append(' ').Append(clock.Format(item.StartsAt));
        }
        return WechatReply.Text(text.ToString());
    }
}
