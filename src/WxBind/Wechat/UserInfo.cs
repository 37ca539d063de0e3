using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// <c>GET /cgi-bin/user/info</c> (WeChat doc 获取用户基本信息, api_userinfo). Since 2021-12-27
/// WeChat no longer returns nickname or avatar, so they are not modelled.
/// </summary>
internal sealed class UserInfoResponse : WechatApiResponse
{
    /// <summary>1 when the user follows the account; with 0 almost nothing else is returned.</summary>
    [JsonPropertyName("subscribe")]
    public int Subscribe { get; set; }

    [JsonPropertyName("openid")]
    public string OpenId { get; set; } = "";

    /// <summary>Only when the account is bound to an Open Platform account.</summary>
    [JsonPropertyName("unionid")]
    public string? UnionId { get; set; }

    /// <summary>Unix seconds of the last follow.</summary>
    [JsonPropertyName("subscribe_time")]
    public long? SubscribeTime { get; set; }

    [JsonPropertyName("subscribe_scene")]
    public string? SubscribeScene { get; set; }

    [JsonPropertyName("qr_scene")]
    public long? QrScene { get; set; }

    [JsonPropertyName("qr_scene_str")]
    public string? QrSceneStr { get; set; }

    [JsonPropertyName("remark")]
    public string? Remark { get; set; }

    [JsonPropertyName("tagid_list")]
    public List<int>? TagIdList { get; set; }

    public bool IsSubscribed => Subscribe == 1;
}
