namespace WxBind.Wechat;

/// <summary>
/// The message encryption mode chosen on the Official Account's server configuration page
/// (wechat-protocol.md §3.1).
/// </summary>
public enum WechatMessageMode
{
    /// <summary>明文模式: plain XML both ways.</summary>
    Plain,

    /// <summary>兼容模式: plain fields plus <c>Encrypt</c>; we still read only the encrypted copy.</summary>
    Compatible,

    /// <summary>安全模式: only <c>ToUserName</c> and <c>Encrypt</c>; replies are encrypted.</summary>
    Safe,
}
