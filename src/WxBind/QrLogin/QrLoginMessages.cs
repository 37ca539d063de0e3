using WxBind.Binding;

namespace WxBind.QrLogin;

/// <summary>What the scanner reads in WeChat.</summary>
internal static class QrLoginMessages
{
    public const string UnknownCode = "二维码无效，本次扫码未做任何更改。";
    public const string AlreadyUsed = "该登录二维码已使用，本次扫码未做任何更改。请在网页上刷新二维码。";
    public const string Expired = "该登录二维码已过期，请在网页上刷新后重新扫码。";
    public const string LoggedIn = "登录成功，网页将自动进入你的账号。";
    public const string ConfirmTitle = "确认登录网站";
    public const string AgreeTitle = "是否绑定你的微信？";

    public static string ConfirmDescription(LoginFacts facts) =>
        $"有浏览器正在请求用你的账号登录（{facts}）。请点击查看并确认；如果不是你本人刚刚在自己的屏幕上扫的码，请取消。";

    public static string AgreeDescription(LoginFacts facts) =>
        $"你的微信尚未绑定网站账号。扫码的网页（{facts}）请求把你的微信绑定到在那里登录或注册的账号。请点击查看并决定；如果不是你本人刚刚在自己的屏幕上扫的码，请取消。";
}
