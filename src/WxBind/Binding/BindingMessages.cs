using WxBind.Storage;

namespace WxBind.Binding;

/// <summary>What the WeChat user reads (always Simplified Chinese: that is WeChat's audience).</summary>
internal static class BindingMessages
{
    public const string UnboundFromWebsite = "你的微信已在网站上解除与账号的绑定。如需重新绑定，请在网站“我的账号”页扫码。";
    public const string NotBound = "你的微信尚未绑定网站账号。发送“绑定”即可登录或注册并绑定。";

    public const string NoUnbindRequest = "没有待确认的解绑（或已超过有效时间），未做任何更改。如需解除绑定，请先发送“解绑”。";

    public static string ConfirmUnbind(User? user, TimeSpan within) =>
        $"你的微信已绑定网站账号{Name(user)}。回复「确认解绑」以解除绑定（{within.TotalMinutes:0} 分钟内有效）；不回复则保持绑定。";

    public static string Unbound(User? user) =>
        $"已解除绑定：你的微信不再与网站账号{Name(user)}关联。";

    public static string For(BindOutcome outcome) => outcome.Result switch
    {
        BindResult.Bound => $"绑定成功！你的微信已绑定网站账号{Name(outcome.User)}。",
        BindResult.AlreadyBound => $"你的微信已绑定网站账号{Name(outcome.User)}，无需重复绑定。",
        BindResult.OpenIdTaken => "绑定失败：你的微信已绑定其他网站账号。请先在微信发送“解绑”，或登录该账号解除绑定后再试。",
        BindResult.AccountTaken => $"绑定失败：网站账号{Name(outcome.User)}已绑定另一个微信。请先在网站上解除原有绑定后再试。",
        BindResult.AlreadyUsed => "该二维码已使用，本次扫码未做任何更改。如需绑定，请在网页上刷新二维码。",
        BindResult.Expired => "该二维码已过期，本次扫码未做任何更改。请在网页上获取新的二维码。",
        _ => "二维码无效，本次扫码未做任何更改。",
    };

    /// <summary>A QR login happened: which account, and the browser, IP address and time, so a stranger's login stands out.</summary>
    public static string QrLogin(User user, LoginFacts facts) =>
        $"登录提醒：网站账号{Name(user)}刚刚通过微信扫码登录。{facts}。如非本人操作，请立即在网站上修改密码。";

    /// <summary>A scanner of a login code agreed, and the account logged into or created on that screen is now bound.</summary>
    public static string BoundByQrLogin(User user, LoginFacts facts) =>
        $"绑定成功！你的微信已绑定网站账号{Name(user)}，该账号已在网页上登录。{facts}。如非本人操作，请发送“解绑”。";

    // 「显示名」(m***@example.com): enough for the user to recognise the account.
    private static string Name(User? user) =>
        user is null ? "" : $"「{Masking.DisplayName(user.DisplayName)}」（{Masking.Email(user.Email)}）";
}

/// <summary>
/// Where a login came from, as the WeChat user reads it; <paramref name="At"/> is already written
/// in the site's zone with the zone named (<see cref="Localization.SiteClock.ForWechat"/>).
/// </summary>
internal sealed record LoginFacts(string Browser, string? Ip, string At)
{
    public override string ToString() =>
        $"浏览器：{Wechat.WechatText.Plain(Browser)}；IP 地址：{Ip ?? "未知"}；时间：{At}";
}
