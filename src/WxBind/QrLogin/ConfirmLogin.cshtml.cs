using WxBind.QrSessions;

namespace WxBind.QrLogin;

/// <summary>
/// <c>/wx/confirm-login/{id}?t=…</c>, opened from the link WeChat sent a bound scanner: which
/// account, which browser, from where, when — then 确认登录 or 取消.
/// </summary>
public sealed class ConfirmLoginModel : PhoneAnswerModel
{
    private protected override string Awaits => QrSessionStatus.AwaitingConfirmation;

    private protected override Task<bool> AnswerAsync(string id, bool yes) => Login.AnswerAsync(id, Token, yes, HttpContext.RequestAborted);
}
