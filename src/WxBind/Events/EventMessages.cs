using WxBind.Localization;

namespace WxBind.Events;

/// <summary>
/// What the Official Account says about events in WeChat. Titles and places come from the
/// administrator's form: angle brackets are taken out so a title never becomes a link.
/// </summary>
internal static class EventMessages
{
    public const string ExpiredCode = "这个签到码已过期，请扫描现场屏幕上的签到码。";
    public const string Full = "活动已满，无法报名签到。";
    public const string Ended = "活动已结束，签到已关闭。";
    public const string Cancelled = "活动已取消，无需签到。";
    public const string UnboundGreeting = "签到需要先绑定网站账号：";

    public static string CheckedIn(string title, int number) => $"签到成功，你是第 {number} 位。\n{Plain(title)}";

    public static string Already(string clock, int? number) =>
        number is { } n ? $"你已于 {clock} 签到（第 {n} 位），无需再次扫码。" : $"你已于 {clock} 签到，无需再次扫码。";

    public static string NotStarted(string title, string opensAt) => $"「{Plain(title)}」的签到还没开始，将于 {opensAt} 开放，请稍后再扫码。";

    public static string SignedUp(OfflineEvent item, SiteClock clock) =>
        $"报名成功：{Plain(item.Title)}\n时间：{clock.Format(item.StartsAt)}\n地点：{Plain(item.Place)}\n到场后扫描现场屏幕上的二维码签到。";

    public static string SignupCancelled(OfflineEvent item) => $"已取消报名：{Plain(item.Title)}。名额已释放。";

    /// <summary>Text without markup: WeChat turns <c>&lt;a&gt;</c> in a text message into a link.</summary>
    public static string Plain(string text) => text.Replace("<", "＜", StringComparison.Ordinal).Replace(">", "＞", StringComparison.Ordinal);
}
