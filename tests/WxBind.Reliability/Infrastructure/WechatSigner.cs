using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// WeChat's side of a push, written here from the protocol (SHA-1 signatures, AES-256-CBC with
/// 32-byte PKCS#7 padding) rather than borrowed from the app, so the suite checks the app from
/// outside.
/// </summary>
public sealed class WechatSigner(string token, string encodingAesKey, string appId)
{
    // The development values the app and its emulator share (appsettings.Development.json).
    public static WechatSigner Development { get; } =
        new("wxbindDevToken2026", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx5e1a7b3c9d2f4e60");

    private readonly byte[] _key = Convert.FromBase64String(encodingAesKey + "=");

    public static string Sha1(params string[] parts)
    {
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat defines its signatures with SHA-1.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
    }

    public string Signature(string timestamp, string nonce) => Sha1(token, timestamp, nonce);

    public string MsgSignature(string timestamp, string nonce, string encrypt) => Sha1(token, timestamp, nonce, encrypt);

    public string Encrypt(string xml)
    {
        var message = Encoding.UTF8.GetBytes(xml);
        var app = Encoding.UTF8.GetBytes(appId);
        var plain = new byte[16 + 4 + message.Length + app.Length];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), message.Length);
        message.CopyTo(plain, 20);
        app.CopyTo(plain, 20 + message.Length);
        var pad = 32 - plain.Length % 32;
        var padded = new byte[plain.Length + pad];
        plain.CopyTo(padded, 0);
        padded.AsSpan(plain.Length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(padded, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>The XML inside an encrypted reply envelope's <c>Encrypt</c> element.</summary>
    public string Decrypt(string encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(Convert.FromBase64String(encrypt), _key.AsSpan(0, 16), PaddingMode.None);
        var length = BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(16, 4));
        return Encoding.UTF8.GetString(plain, 20, length);
    }

    /// <summary>
    /// A Safe-mode (安全模式) push: the query string and the envelope WeChat would send.
    /// The <paramref name="timestamp"/> is Unix seconds.
    /// </summary>
    public (string Query, string Body) SafePush(string messageXml, long timestamp)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetInt32(1_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var encrypt = Encrypt(messageXml);
        var query = $"signature={Signature(ts, nonce)}&timestamp={ts}&nonce={nonce}&openid=o&encrypt_type=aes&msg_signature={MsgSignature(ts, nonce, encrypt)}";
        return (query, $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
    }

    public static string TextXml(string openId, string content, long msgId, long createTime) =>
        $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>" +
        $"<MsgId>{msgId}</MsgId></xml>";

    public static string EventXml(string openId, string @event, string? eventKey, long createTime) =>
        $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{@event}]]></Event>" +
        (eventKey is null ? "" : $"<EventKey><![CDATA[{eventKey}]]></EventKey>") + "</xml>";
}
