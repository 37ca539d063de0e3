using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary><c>POST /cgi-bin/stable_token</c> request (WeChat doc api_getstableaccesstoken).</summary>
internal sealed class StableTokenRequest
{
    [JsonPropertyName("grant_type")]
    public string GrantType { get; set; } = "client_credential";

    [JsonPropertyName("appid")]
    public string AppId { get; set; } = "";

    [JsonPropertyName("secret")]
    public string Secret { get; set; } = "";

    /// <summary>True invalidates the current token (20 a day, 30 s apart); normally false.</summary>
    [JsonPropertyName("force_refresh")]
    public bool ForceRefresh { get; set; }
}

/// <summary>
/// Response of <c>POST /cgi-bin/stable_token</c>: the current token and its <em>remaining</em>
/// lifetime, always at least 300 s (the platform rotates in the last 5 minutes).
/// </summary>
internal sealed class StableTokenResponse : WechatApiResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; set; } = "";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; set; }
}
