using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// <c>POST /cgi-bin/message/custom/send</c> (WeChat doc 客服消息, api_sendcustommessage):
/// text or news (one article). Only within the customer-service window (§6.1).
/// </summary>
internal sealed class MessageCustomSendRequest
{
    [JsonPropertyName("touser")]
    public string ToUser { get; set; } = "";

    [JsonPropertyName("msgtype")]
    public string MsgType { get; set; } = "";

    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MessageCustomSendText? Text { get; set; }

    [JsonPropertyName("news")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MessageCustomSendNews? News { get; set; }

    /// <summary>Why it is sent (e.g. <c>unbind</c>, <c>order_status</c>): kept in the delivery record, never sent to WeChat.</summary>
    [JsonIgnore]
    public string? Purpose { get; set; }

    public static MessageCustomSendRequest ForText(string openId, string content) =>
        new() { ToUser = openId, MsgType = "text", Text = new() { Content = content } };

    public static MessageCustomSendRequest ForNews(string openId, WechatArticle article) => new()
    {
        ToUser = openId,
        MsgType = "news",
        News = new()
        {
            Articles = [new() { Title = article.Title, Description = article.Description, Url = article.Url, PicUrl = article.PicUrl }],
        },
    };
}

internal sealed class MessageCustomSendText
{
    [JsonPropertyName("content")]
    public string Content { get; set; } = "";
}

internal sealed class MessageCustomSendNews
{
    /// <summary>More than one article gets 45008.</summary>
    [JsonPropertyName("articles")]
    public List<MessageCustomSendArticle> Articles { get; set; } = [];
}

internal sealed class MessageCustomSendArticle
{
    [JsonPropertyName("title")]
    public string Title { get; set; } = "";

    [JsonPropertyName("description")]
    public string Description { get; set; } = "";

    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("picurl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PicUrl { get; set; }
}
