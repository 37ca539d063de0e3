namespace WxBind.Wechat;

/// <summary>One article of a news message (passive reply <c>item</c> or custom-send <c>articles[]</c>).</summary>
internal sealed record WechatArticle(string Title, string Description, string Url, string? PicUrl = null);
