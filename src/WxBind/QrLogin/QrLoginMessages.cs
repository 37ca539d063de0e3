namespace WxBind.QrLogin;

/// <summary>What the scanner reads in WeChat.</summary>
internal static class QrLoginMessages
{
    public const string UnknownCode = "二维码无效，本次扫码未做任何更改。";
    public const string AlreadyUsed = "该登录二维码已使用，本次扫码未做任何更改。请在网页上刷新二维码。";
    public const string Expired = "该登录二维码已过期，请在网页上刷新后重新扫码。";
    public const string NeedsAccount = "你的微信尚未绑定网站账号。请在电脑网页上登录或注册，完成后微信即与该账号绑定。";
    public const string LoggedIn = "登录成功，网页将自动进入你的账号。";
    public const string ConfirmTitle = "确认登录网站";

    public static string ConfirmDescription(string browser) => $"有浏览器（{Wechat.WechatText.Plain(browser)}）正在请求用你的账号登录。请点击查看并确认，如非本人操作请取消。";
}
