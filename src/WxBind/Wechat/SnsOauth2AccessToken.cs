using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// <c>GET /sns/oauth2/access_token</c> (WeChat doc 网页授权 → 通过code换取网页授权access_token,
/// api_snsaccesstoken). The token is a user-level token, unrelated to the API access_token.
/// </summary>
internal sealed class SnsOauth2AccessTokenResponse : WechatApiResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; set; } = "";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    /// <summary>Returned for followers and non-followers alike.</summary>
    [JsonPropertyName("openid")]
    public string OpenId { get; set; } = "";

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("unionid")]
    public string? UnionId { get; set; }

    /// <summary>1 for a virtual "snapshot page" user, who must not be bound.</summary>
    [JsonPropertyName("is_snapshotuser")]
    public int? IsSnapshotUser { get; set; }
}
