#:property PublishAot=false
// Writes WeChat pushes for wrk (bench/cluster-load.sh): one request per line, "path<TAB>body",
// each signed and encrypted (Safe mode) with its own timestamp, nonce and MsgId, as WeChat sends them.
//
//   dotnet run PushFile.cs -- text|scan COUNT TOKEN AESKEY APPID OUTPUT [SCENES_FILE]
//
// text: a follower's text message (the app answers with its help reply).
// scan: a SCAN event of the next scene in SCENES_FILE (one per line), each from a new openid.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

var kind = args[0];
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var (token, aesKey, appId, output) = (args[2], Convert.FromBase64String(args[3] + "="), args[4], args[5]);
var scenes = kind == "scan" ? File.ReadAllLines(args[6]).Where(s => s.Length > 0).ToArray() : [];
if (kind == "scan" && scenes.Length == 0)
{
    throw new InvalidOperationException("scan needs a file of scenes");
}

var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
using var writer = new StreamWriter(output);
for (var i = 0; i < count; i++)
{
    var openId = "oLoad" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))[..23];
    var inner = kind == "scan"
        ? $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[{scenes[i % scenes.Length]}]]></EventKey><Ticket><![CDATA[t{i}]]></Ticket></xml>"
        : $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>{7_000_000_000L + i}</MsgId></xml>";
    var encrypt = Encrypt(aesKey, inner, appId);
    var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    var signature = Sha1Sorted(token, now, nonce);
    var msgSignature = Sha1Sorted(token, now, nonce, encrypt);
    writer.Write($"/wechat/callback?signature={signature}&timestamp={now}&nonce={nonce}&openid={openId}&encrypt_type=aes&msg_signature={msgSignature}");
    writer.Write('\t');
    writer.WriteLine($"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
}

static string Sha1Sorted(params string[] parts)
{
    Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // WeChat's signature is SHA-1 by protocol.
    return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
#pragma warning restore CA5350
}

static string Encrypt(byte[] key, string message, string appId)
{
    var msg = Encoding.UTF8.GetBytes(message);
    var app = Encoding.UTF8.GetBytes(appId);
    var plain = new List<byte>(RandomNumberGenerator.GetBytes(16));
    plain.AddRange([(byte)(msg.Length >> 24), (byte)(msg.Length >> 16), (byte)(msg.Length >> 8), (byte)msg.Length]);
    plain.AddRange(msg);
    plain.AddRange(app);
    var pad = 32 - plain.Count % 32;
    plain.AddRange(Enumerable.Repeat((byte)pad, pad));
    using var aes = Aes.Create();
    aes.Key = key;
    return Convert.ToBase64String(aes.EncryptCbc(plain.ToArray(), key[..16], PaddingMode.None));
}
