using System.Globalization;
using System.Xml.Linq;

namespace WxBind.Wechat;

/// <summary>
/// A message or event pushed by WeChat (wechat-protocol.md §2.2–§2.4; WeChat doc
/// 消息管理 → 接收普通消息 / 接收事件推送). Fields not modelled here are kept in <see cref="Fields"/>.
/// </summary>
internal sealed class WechatMessage
{
    private WechatMessage(IReadOnlyDictionary<string, string> fields) => Fields = fields;

    /// <summary>Every top-level element of the push by name, CDATA unwrapped.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The account's original id (<c>gh_…</c>).</summary>
    public string ToUserName => Get("ToUserName") ?? "";

    /// <summary>The sender's openid.</summary>
    public string FromUserName => Get("FromUserName") ?? "";

    /// <summary>The sender's openid (same as <see cref="FromUserName"/>).</summary>
    public string OpenId => FromUserName;

    /// <summary>Unix seconds.</summary>
    public long CreateTime => GetInt64("CreateTime") ?? 0;

    /// <summary><c>text</c>, <c>image</c>, …, or <c>event</c>.</summary>
    public string MsgType => Get("MsgType") ?? "";

    /// <summary>64-bit id of a user message; absent on events.</summary>
    public long? MsgId => GetInt64("MsgId");

    public string? Content => Get("Content");

    /// <summary><c>subscribe</c>, <c>unsubscribe</c>, <c>SCAN</c>, <c>CLICK</c>, <c>VIEW</c>, … (case matters).</summary>
    public string? Event => Get("Event");

    /// <summary>Absent or empty on plain follow/unfollow; <c>qrscene_…</c>, a scene, a menu key or a URL otherwise.</summary>
    public string? EventKey => Get("EventKey") is { Length: > 0 } key ? key : null;

    /// <summary>The QR ticket on QR <c>subscribe</c> and <c>SCAN</c>.</summary>
    public string? Ticket => Get("Ticket");

    /// <summary>Personalised menu id on <c>VIEW</c>.</summary>
    public string? MenuId => Get("MenuId");

    /// <summary><c>TEMPLATESENDJOBFINISH</c> delivery status.</summary>
    public string? Status => Get("Status");

    public bool IsEvent => MsgType == "event";

    /// <summary>
    /// The scene of a parametric QR code that was scanned: <c>subscribe</c> with
    /// <c>qrscene_&lt;scene&gt;</c> (a new follower) or <c>SCAN</c> with the bare scene (a follower).
    /// Null for every other message.
    /// </summary>
    public string? SceneStr => (Event, EventKey) switch
    {
        ("subscribe", { } key) when key.StartsWith("qrscene_", StringComparison.Ordinal) && key.Length > 8 => key[8..],
        ("SCAN", { } key) => key,
        _ => null,
    };

    /// <summary>The text command <paramref name="text"/> (spaces around it ignored), or a click on the menu item <paramref name="menuKey"/>.</summary>
    public bool IsCommand(string text, string menuKey) =>
        (MsgType == "text" && Content?.Trim() == text) || (Event == "CLICK" && EventKey == menuKey);

    /// <summary>A scan of a parametric code whose scene starts with <paramref name="scenePrefix"/>.</summary>
    public bool IsScanOf(string scenePrefix) => SceneStr?.StartsWith(scenePrefix, StringComparison.Ordinal) == true;

    public string? Get(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    private long? GetInt64(string name) =>
        long.TryParse(Get(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reads the fields of a parsed <c>&lt;xml&gt;</c> document; a repeated element keeps its first value.</summary>
    public static WechatMessage FromXml(XDocument document)
    {
        var fields = new Dictionary<string, string>(12, StringComparer.Ordinal); // a push has 6 to 10 fields
        foreach (var element in document.Root?.Elements() ?? [])
        {
            fields.TryAdd(element.Name.LocalName, element.Value);
        }
        return new WechatMessage(fields);
    }

    /// <summary>Parses message XML (for example a decrypted push) with the same safe settings as a body.</summary>
    public static WechatMessage Parse(string xml) => FromXml(WechatXml.Parse(xml));
}
