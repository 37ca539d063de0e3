using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// The error envelope every JSON API shares (wechat-protocol.md §0; WeChat doc 全局返回码说明).
/// A missing <c>errcode</c> means success, so it defaults to 0.
/// </summary>
internal class WechatApiResponse
{
    [JsonPropertyName("errcode")]
    public int ErrCode { get; set; }

    [JsonPropertyName("errmsg")]
    public string? ErrMsg { get; set; }
}
