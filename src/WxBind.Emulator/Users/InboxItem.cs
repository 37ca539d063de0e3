namespace WxBind.Emulator.Users;

/// <summary>
/// One entry of a user's chat with the account. <see cref="Direction"/> is <c>in</c> for what the
/// user received (reply, custom, template, notice) and <c>out</c> for what the user sent.
/// </summary>
internal sealed record InboxItem(
    long Seq,
    string Direction,
    string Kind,
    DateTimeOffset Time,
    string MsgType,
    string? Content,
    IReadOnlyList<InboxArticle>? Articles = null,
    string? Url = null,
    string? TemplateId = null,
    IReadOnlyDictionary<string, string>? Data = null);

internal sealed record InboxArticle(string Title, string Description, string Url, string PicUrl);
