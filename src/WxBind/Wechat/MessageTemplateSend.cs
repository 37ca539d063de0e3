using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// <c>POST /cgi-bin/message/template/send</c> (WeChat doc 模板消息, api_sendtemplatemessage).
/// </summary>
internal sealed class MessageTemplateSendRequest
{
    [JsonPropertyName("touser")]
    public string ToUser { get; set; } = "";

    [JsonPropertyName("template_id")]
    public string TemplateId { get; set; } = "";

    /// <summary>Page opened when the message is tapped; optional.</summary>
    [JsonPropertyName("url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; set; }

    /// <summary>Idempotence key per (openid, client_msg_id); optional.</summary>
    [JsonPropertyName("client_msg_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientMsgId { get; set; }

    /// <summary>Why it is sent (e.g. <c>unbind</c>, <c>order_status</c>): kept in the delivery record, never sent to WeChat.</summary>
    [JsonIgnore]
    public string? Purpose { get; set; }

    /// <summary>Template keywords, e.g. <c>keyword1</c> → value.</summary>
    [JsonPropertyName("data")]
    public Dictionary<string, MessageTemplateSendValue> Data { get; set; } = [];
}

internal sealed class MessageTemplateSendValue
{
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";
}

/// <summary>Response of <c>POST /cgi-bin/message/template/send</c>; <c>msgid</c> recurs in TEMPLATESENDJOBFINISH.</summary>
internal sealed class MessageTemplateSendResponse : WechatApiResponse
{
    [JsonPropertyName("msgid")]
    public long MsgId { get; set; }
}
