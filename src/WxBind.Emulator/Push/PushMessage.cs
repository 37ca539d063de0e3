using System.Globalization;
using System.Xml.Linq;

namespace WxBind.Emulator.Push;

/// <summary>
/// One logical message or event pushed to the app (wechat-protocol.md §2.2–§2.4). It is built once,
/// so every retry carries the same MsgId and CreateTime.
/// </summary>
internal sealed class PushMessage
{
    private readonly List<(string Name, string Value, bool Numeric)> _fields = [];

    private PushMessage(string openId, long createTime, string msgType, string? @event)
    {
        OpenId = openId;
        CreateTime = createTime;
        MsgType = msgType;
        Event = @event;
    }

    public string OpenId { get; }

    public long CreateTime { get; }

    public string MsgType { get; }

    public string? Event { get; }

    public long? MsgId { get; private set; }

    /// <summary>Replies to user-sent messages may carry one news article, replies to events up to eight.</summary>
    public bool IsUserMessage => MsgType != "event";

    public string Label => Event ?? MsgType;

    public static PushMessage Text(string openId, long createTime, string content, long msgId)
    {
        var message = new PushMessage(openId, createTime, "text", null) { MsgId = msgId };
        message._fields.Add(("Content", content, false));
        message._fields.Add(("MsgId", msgId.ToString(CultureInfo.InvariantCulture), true));
        return message;
    }

    public static PushMessage EventMessage(string openId, long createTime, string @event, string? eventKey = null, string? ticket = null)
    {
        var message = new PushMessage(openId, createTime, "event", @event);
        message._fields.Add(("Event", @event, false));
        // Plain subscribe/unsubscribe carry an empty EventKey here; clients must accept either form.
        message._fields.Add(("EventKey", eventKey ?? "", false));
        if (ticket is not null)
        {
            message._fields.Add(("Ticket", ticket, false));
        }

        return message;
    }

    public static PushMessage TemplateSendJobFinish(string openId, long createTime, long msgId, string status)
    {
        var message = new PushMessage(openId, createTime, "event", "TEMPLATESENDJOBFINISH");
        message._fields.Add(("Event", "TEMPLATESENDJOBFINISH", false));
        // Capital D: WeChat spells it MsgID in this event only.
        message._fields.Add(("MsgID", msgId.ToString(CultureInfo.InvariantCulture), true));
        message._fields.Add(("Status", status, false));
        return message;
    }

    public XElement ToElement(string originalId)
    {
        var root = new XElement("xml",
            new XElement("ToUserName", new XCData(originalId)),
            new XElement("FromUserName", new XCData(OpenId)),
            new XElement("CreateTime", CreateTime),
            new XElement("MsgType", new XCData(MsgType)));
        foreach (var (name, value, numeric) in _fields)
        {
            root.Add(numeric ? new XElement(name, value) : new XElement(name, new XCData(value)));
        }

        return root;
    }
}
