using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary>
/// <c>POST /cgi-bin/qrcode/create</c> (WeChat doc 生成带参数的二维码,
/// Account_Management/Generating_a_Parametric_QR_Code).
/// </summary>
internal sealed class QrcodeCreateRequest
{
    /// <summary>Temporary codes only; at most 2592000 (30 days).</summary>
    [JsonPropertyName("expire_seconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ExpireSeconds { get; set; }

    /// <summary><c>QR_SCENE</c>, <c>QR_STR_SCENE</c>, <c>QR_LIMIT_SCENE</c> or <c>QR_LIMIT_STR_SCENE</c>.</summary>
    [JsonPropertyName("action_name")]
    public string ActionName { get; set; } = "";

    [JsonPropertyName("action_info")]
    public QrcodeActionInfo ActionInfo { get; set; } = new();

    /// <summary>A temporary string-scene code (what QR binding and login use).</summary>
    public static QrcodeCreateRequest ForStrScene(string sceneStr, int expireSeconds) => new()
    {
        ExpireSeconds = expireSeconds,
        ActionName = "QR_STR_SCENE",
        ActionInfo = new() { Scene = new() { SceneStr = sceneStr } },
    };

    /// <summary>A permanent string-scene code (event check-in); capped at 100,000 per account.</summary>
    public static QrcodeCreateRequest ForLimitStrScene(string sceneStr) => new()
    {
        ActionName = "QR_LIMIT_STR_SCENE",
        ActionInfo = new() { Scene = new() { SceneStr = sceneStr } },
    };
}

internal sealed class QrcodeActionInfo
{
    [JsonPropertyName("scene")]
    public QrcodeScene Scene { get; set; } = new();
}

internal sealed class QrcodeScene
{
    [JsonPropertyName("scene_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SceneId { get; set; }

    /// <summary>1–64 characters.</summary>
    [JsonPropertyName("scene_str")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SceneStr { get; set; }
}

/// <summary>Response of <c>POST /cgi-bin/qrcode/create</c>.</summary>
internal sealed class QrcodeCreateResponse : WechatApiResponse
{
    /// <summary>Opaque; URL-encode it for showqrcode.</summary>
    [JsonPropertyName("ticket")]
    public string Ticket { get; set; } = "";

    /// <summary>Absent for permanent codes.</summary>
    [JsonPropertyName("expire_seconds")]
    public int? ExpireSeconds { get; set; }

    /// <summary>The text encoded in the QR image (<c>http://weixin.qq.com/q/…</c>): render the QR from it.</summary>
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";
}
