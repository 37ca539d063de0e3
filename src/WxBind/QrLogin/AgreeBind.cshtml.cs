using WxBind.QrSessions;

namespace WxBind.QrLogin;

/// <summary>
/// <c>/wx/agree-bind/{id}?t=…</c>, opened from the link WeChat sent an unbound scanner of a login
/// code (F2.3): bind this WeChat to the account logged into or created on that screen? Nothing is
/// bound before 同意; 取消 ends the session.
/// </summary>
public sealed class AgreeBindModel : PhoneAnswerModel
{
    private protected override string Awaits => QrSessionStatus.AwaitingAgreement;

    private protected override Task<bool> AnswerAsync(string id, bool yes) => Login.AgreeAsync(id, Token, yes, HttpContext.RequestAborted);
}
