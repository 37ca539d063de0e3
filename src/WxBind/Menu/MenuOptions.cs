namespace WxBind.Menu;

/// <summary>
/// The Official Account's custom menu: <c>Wechat:Menu</c> is an array of top buttons, e.g.
/// <c>Wechat:Menu:0:Name=绑定账号</c>, <c>Wechat:Menu:0:Type=click</c>, <c>Wechat:Menu:0:Key=BIND</c>,
/// <c>Wechat:Menu:2:Url=/wx/events</c>, <c>Wechat:Menu:1:SubButtons:0:…</c>. Without it, the
/// default menu below. A view URL starting with <c>/</c> is on <c>WxBind:PublicBaseUrl</c>.
/// </summary>
public sealed class MenuOptions
{
    public const string Section = "Wechat:Menu";

    public List<MenuItemOptions> Buttons { get; set; } = [];

    internal static List<MenuItemOptions> Default =>
    [
        new() { Name = "绑定账号", Type = "click", Key = "BIND" },
        new() { Name = "我的订单", Type = "click", Key = "MY_ORDERS" },
        // WeChat allows three top buttons, so the last two share one.
        new()
        {
            Name = "更多",
            SubButtons =
            [
                new() { Name = "活动", Type = "view", Url = "/wx/events" },
                new() { Name = "帮助", Type = "click", Key = "HELP" },
            ],
        },
    ];
}

/// <summary>One button (WeChat doc 自定义菜单 → 创建接口): <c>click</c> with a key, <c>view</c> with a URL, or a parent of sub-buttons.</summary>
public sealed class MenuItemOptions
{
    public string Name { get; set; } = "";

    /// <summary><c>click</c> or <c>view</c>; empty for a parent of <see cref="SubButtons"/>.</summary>
    public string? Type { get; set; }

    public string? Key { get; set; }

    public string? Url { get; set; }

    public List<MenuItemOptions> SubButtons { get; set; } = [];
}
