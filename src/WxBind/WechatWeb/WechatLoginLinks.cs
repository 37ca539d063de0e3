using System.Globalization;
using Microsoft.Extensions.Options;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// What an unbound WeChat user is sent instead of a feature that needs an account: a signed link
/// to log in or register and bind. Features (orders, events) call
/// <see cref="ReplyForUnboundAsync"/> with the page to come back to.
/// </summary>
internal sealed class WechatLoginLinks(SignedLinks links, IOptions<WechatWebOptions> options)
{
    /// <summary>A passive text reply carrying a fresh link; <paramref name="returnPath"/> is where the user lands once bound.</summary>
    public async Task<WechatReply> ReplyForUnboundAsync(string openId, string? returnPath, string? greeting = null, CancellationToken cancellationToken = default) =>
        WechatReply.Text(await TextForUnboundAsync(openId, returnPath, greeting, cancellationToken));

    /// <summary>The same text, for a customer-service message (e.g. after a check-in scan).</summary>
    public async Task<string> TextForUnboundAsync(string openId, string? returnPath, string? greeting = null, CancellationToken cancellationToken = default)
    {
        var url = await links.CreateAsync(openId, returnPath, cancellationToken);
        var minutes = Math.Max(1, (int)options.Value.LinkLifetime.TotalMinutes).ToString(CultureInfo.InvariantCulture);
        // WeChat renders <a href> in text replies as a tappable link that opens in its own browser.
        return $"{greeting}你的微信尚未绑定网站账号。<a href=\"{url}\">点此登录或注册</a>，完成后自动绑定（链接 {minutes} 分钟内有效，仅可使用一次）。";
    }
}
