using System.Text.Json.Serialization;

namespace WxBind.Wechat;

/// <summary><c>POST /cgi-bin/menu/create</c> (WeChat doc 自定义菜单 → 创建接口, Custom_Menus/Creating_Custom-Defined_Menu).</summary>
internal sealed class MenuCreateRequest
{
    /// <summary>Up to 3 top-level buttons.</summary>
    [JsonPropertyName("button")]
    public List<MenuButton> Button { get; set; } = [];
}

internal sealed class MenuButton
{
    /// <summary><c>click</c> (pushes CLICK with <see cref="Key"/>) or <c>view</c> (opens <see cref="Url"/>); null for a parent.</summary>
    [JsonPropertyName("type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Type { get; set; }

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; set; }

    [JsonPropertyName("url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; set; }

    /// <summary>Up to 5 children.</summary>
    [JsonPropertyName("sub_button")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<MenuButton>? SubButton { get; set; }
}
