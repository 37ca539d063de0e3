using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using WxBind.Emulator.Crypto;
using WxBind.Emulator.Users;

namespace WxBind.Emulator.Push;

/// <summary>
/// Judges a passive reply the way WeChat does (wechat-protocol.md §2.5, §3.4, §11.7): anything it
/// cannot verify or understand turns into the user-visible system notice.
/// </summary>
internal static class ReplyReader
{
    private static readonly HashSet<string> KnownTypes =
        new(["text", "image", "voice", "video", "music", "news", "transfer_customer_service"], StringComparer.Ordinal);

    public static ReplyVerdict Read(string body, PushMessage push, EmulatorOptions options, WechatMessageCrypto? crypto)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0 || trimmed == "success")
        {
            return ReplyVerdict.None;
        }

        if (!TryParse(trimmed, out var root))
        {
            return ReplyVerdict.Invalid("reply is not XML");
        }

        var encrypt = root.Element("Encrypt")?.Value;
        if (encrypt is not null)
        {
            if (crypto is null)
            {
                return ReplyVerdict.Invalid("encrypted reply while the account is in plaintext mode");
            }

            var timestamp = root.Element("TimeStamp")?.Value ?? "";
            var nonce = root.Element("Nonce")?.Value ?? "";
            if (!WechatSignature.Verify(root.Element("MsgSignature")?.Value, options.Token, timestamp, nonce, encrypt))
            {
                return ReplyVerdict.Invalid("reply MsgSignature does not verify");
            }

            string inner;
            try
            {
                inner = crypto.Decrypt(encrypt);
            }
            catch (CryptographicException e)
            {
                return ReplyVerdict.Invalid("reply does not decrypt: " + e.Message);
            }

            if (!TryParse(inner, out root))
            {
                return ReplyVerdict.Invalid("decrypted reply is not XML");
            }
        }
        else if (options.MessageMode == EmulatorMessageMode.Safe)
        {
            return ReplyVerdict.Invalid("safe mode requires an encrypted reply");
        }

        return Validate(root, push, options);
    }

    private static ReplyVerdict Validate(XElement root, PushMessage push, EmulatorOptions options)
    {
        if (root.Element("ToUserName")?.Value != push.OpenId)
        {
            return ReplyVerdict.Invalid("reply ToUserName is not the user's openid");
        }

        if (root.Element("FromUserName")?.Value != options.OriginalId)
        {
            return ReplyVerdict.Invalid("reply FromUserName is not the account's original id");
        }

        if (!long.TryParse(root.Element("CreateTime")?.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            return ReplyVerdict.Invalid("reply CreateTime is missing or not an integer");
        }

        var msgType = root.Element("MsgType")?.Value.Trim() ?? "";
        if (!KnownTypes.Contains(msgType))
        {
            return ReplyVerdict.Invalid($"reply MsgType '{msgType}' is unknown");
        }

        switch (msgType)
        {
            case "text":
                var content = root.Element("Content")?.Value;
                return content is null
                    ? ReplyVerdict.Invalid("text reply without Content")
                    : ReplyVerdict.Valid(new PushReply("text", content, null));
            case "news":
                return ReadNews(root, push);
            default:
                return ReplyVerdict.Valid(new PushReply(msgType, null, null));
        }
    }

    private static ReplyVerdict ReadNews(XElement root, PushMessage push)
    {
        var items = root.Element("Articles")?.Elements("item").ToList() ?? [];
        var limit = push.IsUserMessage ? 1 : 8;
        if (!int.TryParse(root.Element("ArticleCount")?.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count != items.Count)
        {
            return ReplyVerdict.Invalid("news reply ArticleCount does not match its items");
        }

        if (count < 1 || count > limit)
        {
            return ReplyVerdict.Invalid($"news reply has {count} articles; at most {limit} allowed here");
        }

        var articles = items.Select(i => new InboxArticle(
            i.Element("Title")?.Value ?? "",
            i.Element("Description")?.Value ?? "",
            i.Element("Url")?.Value ?? "",
            i.Element("PicUrl")?.Value ?? "")).ToList();
        return ReplyVerdict.Valid(new PushReply("news", null, articles));
    }

    private static bool TryParse(string xml, out XElement root)
    {
        root = null!;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var parsed = XDocument.Load(reader).Root;
            if (parsed is null || parsed.Name.LocalName != "xml")
            {
                return false;
            }

            root = parsed;
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }
}

internal sealed record ReplyVerdict(bool IsValid, PushReply? Reply, string? Problem)
{
    public static readonly ReplyVerdict None = new(true, null, null);

    public static ReplyVerdict Valid(PushReply reply) => new(true, reply, null);

    public static ReplyVerdict Invalid(string problem) => new(false, null, problem);
}
