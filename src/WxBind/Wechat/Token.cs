using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary><c>GET /cgi-bin/token</c> (WeChat doc 获取 Access token, api_getaccesstoken).</summary>
internal sealed class TokenResponse : WechatApiResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; set; } = "";

    /// <summary>Seconds the token stays valid ("currently within 7200").</summary>
    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; set; }
}
