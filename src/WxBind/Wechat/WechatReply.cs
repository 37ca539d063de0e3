namespace WxBind.Wechat;

/// <summary>
/// A passive reply to a push (wechat-protocol.md §2.5; WeChat doc 消息管理 → 被动回复用户消息):
/// text, news, or <see cref="Success"/> to acknowledge without replying.
/// </summary>
internal sealed class WechatReply
{
    private WechatReply(string? content, IReadOnlyList<WechatArticle>? articles)
    {
        Content = content;
        Articles = articles;
    }

    /// <summary>Acknowledge without a reply: WeChat then neither retries nor shows a notice.</summary>
    public static WechatReply Success { get; } = new(null, null);

    public string? Content { get; }

    public IReadOnlyList<WechatArticle>? Articles { get; }

    public bool IsSuccess => Content is null && Articles is null;

    public static WechatReply Text(string content) => new(content, null);

    /// <summary>
    /// News: WeChat shows only 1 article in reply to a user message and at most 8 for events.
    /// </summary>
    public static WechatReply News(IReadOnlyList<WechatArticle> articles)
    {
        ArgumentOutOfRangeException.ThrowIfZero(articles.Count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(articles.Count, 8);
        return new(null, articles);
    }

    /// <summary>The reply XML for <paramref name="received"/>, ids swapped; null for <see cref="Success"/>.</summary>
    public string? ToXml(WechatMessage received, long createTime)
    {
        if (IsSuccess)
        {
            return null;
        }
        return WechatXml.Write(w =>
        {
            w.WriteCData("ToUserName", received.FromUserName);
            w.WriteCData("FromUserName", received.ToUserName);
            w.WriteNumber("CreateTime", createTime);
            if (Articles is null)
            {
                w.WriteCData("MsgType", "text");
                w.WriteCData("Content", Content!);
                return;
            }
            w.WriteCData("MsgType", "news");
            w.WriteNumber("ArticleCount", Articles.Count);
            w.WriteStartElement("Articles");
            foreach (var article in Articles)
            {
                w.WriteStartElement("item");
                w.WriteCData("Title", article.Title);
                w.WriteCData("Description", article.Description);
                w.WriteCData("PicUrl", article.PicUrl ?? "");
                w.WriteCData("Url", article.Url);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }
}
