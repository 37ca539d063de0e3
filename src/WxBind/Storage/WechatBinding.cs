namespace WxBind.Storage;

/// <summary>A website account bound to one WeChat user of one Official Account (<c>wechat_bindings</c>).</summary>
public sealed class WechatBinding
{
    public string UserId { get; set; } = "";
    public string AppId { get; set; } = "";
    public string OpenId { get; set; } = "";
    public string? UnionId { get; set; }
    public bool Subscribed { get; set; }
    public DateTimeOffset BoundAt { get; set; }
}

/// <summary>What the append-only <c>binding_ledger</c> records.</summary>
public static class LedgerAction
{
    public const string Bound = "bound";
    public const string Unbound = "unbound";
    public const string Unsubscribed = "unsubscribed";
    public const string Resubscribed = "resubscribed";
    public const string QrLogin = "qr_login";
    public const string Conflict = "conflict";
}
