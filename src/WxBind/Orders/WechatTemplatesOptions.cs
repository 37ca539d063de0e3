namespace WxBind.Orders;

/// <summary>
/// Template ids from the Official Account's 模板消息 page (section <c>Wechat:Templates</c>).
/// </summary>
public sealed class WechatTemplatesOptions
{
    public const string Section = "Wechat:Templates";

    /// <summary>
    /// The order-status template. Its data fields are <c>first</c> (a heading), <c>keyword1</c>
    /// (the order number), <c>keyword2</c> (the new status), <c>keyword3</c> (the amount) and
    /// <c>remark</c> (what was ordered); tapping it opens <c>/wx/orders</c>. Empty: a
    /// customer-service text is sent instead, which WeChat delivers only inside the 48-hour window.
    /// </summary>
    public string? OrderStatus { get; set; }
}
