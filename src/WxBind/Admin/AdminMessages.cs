namespace WxBind.Admin;

/// <summary>What the Official Account says in WeChat about administrators' actions (Chinese, like every WeChat text).</summary>
internal static class AdminMessages
{
    public const string UnboundByAdministrator = "你的微信已由网站管理员解除与网站账号的绑定。如需重新绑定，请发送“绑定”。如有疑问，请联系网站客服。";
}
