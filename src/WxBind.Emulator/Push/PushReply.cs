using WxBind.Emulator.Users;

namespace WxBind.Emulator.Push;

/// <summary>A passive reply that passed validation, reduced to what the user sees.</summary>
internal sealed record PushReply(string MsgType, string? Content, IReadOnlyList<InboxArticle>? Articles)
{
    public string Summary => MsgType switch
    {
        "text" => "text: " + Shorten(Content ?? ""),
        "news" => $"news: {Articles?.Count ?? 0} article(s) " + Shorten(Articles is { Count: > 0 } a ? a[0].Title : ""),
        _ => MsgType,
    };

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}

/// <summary>What happened to one logical push after all its attempts.</summary>
internal sealed record DeliveryResult(bool Delivered, int Attempts, string Outcome, string? Detail, PushReply? Reply, string? MsgId)
{
    /// <summary>The system notice a user sees when the account fails to answer properly (wechat-protocol.md §2.6).</summary>
    public const string Notice = "该公众号暂时无法提供服务，请稍后再试";
    public const string NoReply = "no-reply";
    public const string Replied = "replied";
    public const string ReplyDropped = "reply-dropped";
    public const string NotSent = "not-sent";
}
