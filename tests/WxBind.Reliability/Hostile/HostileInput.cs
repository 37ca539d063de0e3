using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using WxBind.Reliability.Infrastructure;

namespace WxBind.Reliability.Hostile;

/// <summary>One generated request: what it is (for the totals and a failure report) and how to send it.</summary>
public sealed record HostileRequest(string Kind, string Description, HttpMethod Method, string Url, HttpContent? Content, bool NeedsBrowser = false);

/// <summary>
/// A seeded generator of hostile input: WeChat pushes mutated in their XML, encoding, size,
/// encryption and signatures; form posts; JSON bodies. The same seed gives the same requests.
/// </summary>
public sealed class HostileInput(Random random, WechatSigner signer)
{
    private static readonly string[] XmlMutations =
    [
        "truncate", "flip-bytes", "doctype-entity", "external-entity", "deep-nesting", "huge-content", "over-limit",
        "invalid-utf8", "gbk-declared", "utf16-bom", "empty", "json", "missing-fields", "bad-numbers", "markup-in-fields",
        "cdata-break", "nul-bytes", "many-attributes", "valid",
    ];

    private static readonly string[] SignatureMutations =
    [
        "flip-signature", "no-signature", "no-timestamp", "no-nonce", "stale-timestamp", "future-timestamp", "text-timestamp",
        "flip-msg-signature", "no-msg-signature", "garbage-encrypt", "short-encrypt", "wrong-app-encrypt", "plain-body-in-safe-mode",
        "duplicated-query",
    ];

    public HostileRequest NextPush()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (random.Next(3) == 0)
        {
            return SignatureMutation(now);
        }
        var mutation = XmlMutations[random.Next(XmlMutations.Length)];
        var xml = MutatedXml(mutation, now);
        var (query, body) = signer.SafePush(xml, now);
        return new HostileRequest("push", $"xml:{mutation}", HttpMethod.Post, "/wechat/callback?" + query, Xml(body));
    }

    public HostileRequest NextForm(string antiforgeryToken)
    {
        var page = random.Next(2) == 0 ? "/account/register" : "/account/login";
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Input.Email", Pick(RandomText(random.Next(0, 80)), "not-an-email", $"x{random.Next()}@", "<script>@x.cn", new string('a', 5000) + "@x.cn", "a@b\u0000.cn")),
            new("Input.Password", Pick("", "short", new string('p', 10_000), RandomText(20))),
            new("Input.DisplayName", Pick("", "<b>x</b>", new string('n', 2000), RandomText(10), "\u202Eevil")),
        };
        var token = random.Next(4) switch
        {
            0 => null,
            1 => "garbage" + random.Next(),
            _ => antiforgeryToken,
        };
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }
        var variant = random.Next(5);
        HttpContent content = variant switch
        {
            0 => new StringContent(RandomText(random.Next(0, 300)), Encoding.UTF8, "application/x-www-form-urlencoded"),
            1 => new StringContent("{\"Input.Email\":1}", Encoding.UTF8, "application/json"),
            2 => new ByteArrayContent(RandomBytes(random.Next(0, 2000))) { Headers = { ContentType = new MediaTypeHeaderValue("multipart/form-data") } },
            _ => new FormUrlEncodedContent(fields),
        };
        return new HostileRequest("form", $"{page} body:{variant} token:{(token is null ? "none" : token == antiforgeryToken ? "valid" : "bad")}", HttpMethod.Post, page, content, NeedsBrowser: true);
    }

    public HostileRequest NextJson()
    {
        var body = random.Next(14) switch
        {
            0 => "{\"purpose\":\"bind\"}",
            1 => "{\"purpose\":\"" + RandomText(random.Next(0, 50)) + "\"}",
            2 => "{\"purpose\":123}",
            3 => "{\"purpose\":null,\"replaces\":" + random.Next() + "}",
            4 => "{\"purpose\":\"login\",\"replaces\":\"" + RandomText(40) + "\"}",
            5 => new string('[', 5000) + new string(']', 5000),
            6 => "{\"purpose\":\"" + new string('x', 200_000) + "\"}",
            7 => "{\"purpose\":\"login\"",
            8 => Encoding.Latin1.GetString(RandomBytes(random.Next(1, 500))),
            9 => "",
            10 => "[\"login\"]",
            11 => "{\"purpose\":\"login\",\"purpose\":\"bind\",\"__proto__\":{}}",
            12 => "{\"purpose\":\"\\ud800\"}",
            _ => "{\"purpose\":\"login\"}",
        };
        var contentType = random.Next(6) == 0 ? "text/plain" : "application/json";
        var (url, method) = random.Next(8) switch
        {
            0 => ($"/api/qr-sessions/{PathSegment()}", HttpMethod.Get),
            1 => ($"/api/qr-sessions/{PathSegment()}/login", HttpMethod.Post),
            2 => ("/api/account/wechat-binding", HttpMethod.Delete),
            _ => ("/api/qr-sessions", HttpMethod.Post),
        };
        return new HostileRequest("json", $"{method} {url.Split('/').Take(3).Last()} {body[..Math.Min(body.Length, 40)]}", method, url,
            new StringContent(body, Encoding.UTF8, contentType), NeedsBrowser: true);
    }

    private HostileRequest SignatureMutation(long now)
    {
        var mutation = SignatureMutations[random.Next(SignatureMutations.Length)];
        var xml = WechatSigner.TextXml("oHostile" + random.Next(1000), "hi", random.NextInt64(1, long.MaxValue), now);
        var timestamp = mutation switch
        {
            "stale-timestamp" => now - 600 - random.Next(100_000),
            "future-timestamp" => now + 600 + random.Next(100_000),
            _ => now,
        };
        var (query, body) = signer.SafePush(xml, timestamp);
        var parts = query.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        switch (mutation)
        {
            case "flip-signature": parts["signature"] = Flip(parts["signature"]); break;
            case "no-signature": parts.Remove("signature"); break;
            case "no-timestamp": parts.Remove("timestamp"); break;
            case "no-nonce": parts.Remove("nonce"); break;
            case "text-timestamp":
                parts["timestamp"] = "12ab";
                parts["signature"] = signer.Signature("12ab", parts["nonce"]);
                break;
            case "flip-msg-signature": parts["msg_signature"] = Flip(parts["msg_signature"]); break;
            case "no-msg-signature": parts.Remove("msg_signature"); break;
            case "garbage-encrypt":
            case "short-encrypt":
            case "wrong-app-encrypt":
                var encrypt = mutation switch
                {
                    "garbage-encrypt" => RandomText(random.Next(1, 400)),
                    "short-encrypt" => Convert.ToBase64String(RandomBytes(16 * random.Next(0, 3))),
                    _ => new WechatSigner("wxbindDevToken2026", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx0000000000000000").Encrypt(xml),
                };
                // Correctly signed, so the refusal has to come from decryption itself.
                parts["msg_signature"] = signer.MsgSignature(parts["timestamp"], parts["nonce"], encrypt);
                body = $"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
                break;
            case "plain-body-in-safe-mode": body = xml; break;
            case "duplicated-query": parts["nonce"] += "&nonce=1&timestamp=2"; break;
        }
        var url = "/wechat/callback?" + string.Join("&", parts.Select(p => $"{p.Key}={p.Value}"));
        return new HostileRequest("push", $"sig:{mutation}", HttpMethod.Post, url, Xml(body));
    }

    private string MutatedXml(string mutation, long now)
    {
        var openId = "oHostile" + random.Next(1000);
        var xml = random.Next(3) == 0
            ? WechatSigner.EventXml(openId, Pick("subscribe", "SCAN", "CLICK", "unsubscribe", "LOCATION", RandomText(8)), Pick(null, "qrscene_" + RandomText(10), RandomText(20), "b_x"), now)
            : WechatSigner.TextXml(openId, Pick("绑定", "解绑", "hi", RandomText(30)), random.NextInt64(1, long.MaxValue), now);
        return mutation switch
        {
            "truncate" => xml[..random.Next(xml.Length)],
            "flip-bytes" => FlipChars(xml, 1 + random.Next(5)),
            "doctype-entity" => "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" + xml.Replace("hi", "&b;", StringComparison.Ordinal),
            "external-entity" => "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + xml.Replace("</xml>", "<Content>&x;</Content></xml>", StringComparison.Ordinal),
            "deep-nesting" => "<xml>" + string.Concat(Enumerable.Repeat("<a>", 2000)) + string.Concat(Enumerable.Repeat("</a>", 2000)) + "</xml>",
            "huge-content" => WechatSigner.TextXml(openId, new string('长', 15_000), random.NextInt64(1, long.MaxValue), now),
            "over-limit" => WechatSigner.TextXml(openId, new string('x', 70_000), 1, now),
            "invalid-utf8" => xml.Replace("hi", "\uFFFD\uD800", StringComparison.Ordinal),
            "gbk-declared" => "<?xml version=\"1.0\" encoding=\"GBK\"?>" + xml,
            "utf16-bom" => "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + xml,
            "empty" => "",
            "json" => "{\"ToUserName\":\"gh\",\"MsgType\":\"text\"}",
            "missing-fields" => "<xml><MsgType><![CDATA[text]]></MsgType></xml>",
            "bad-numbers" => xml.Replace($"<CreateTime>{now}</CreateTime>", "<CreateTime>-1e999</CreateTime>", StringComparison.Ordinal)
                .Replace("<MsgId>", "<MsgId>99999999999999999999999", StringComparison.Ordinal),
            "markup-in-fields" => xml.Replace(openId, "<a href='x'>o</a>", StringComparison.Ordinal),
            "cdata-break" => xml.Replace("<![CDATA[hi]]>", "<![CDATA[]]>]]><x/><![CDATA[", StringComparison.Ordinal),
            "nul-bytes" => xml.Replace("</xml>", "\0\0</xml>", StringComparison.Ordinal),
            "many-attributes" => "<xml " + string.Join(' ', Enumerable.Range(0, 3000).Select(i => $"a{i}=\"{i}\"")) + xml[4..],
            _ => xml,
        };
    }

    private static StringContent Xml(string body) => new(body, Encoding.UTF8, "text/xml");

    private T Pick<T>(params T[] options) => options[random.Next(options.Length)];

    private string RandomText(int length)
    {
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(random.Next(10) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0x4E00, 0x9FFF),
                2 => "<>&\"'%;{}[]\\/"[random.Next(13)],
                _ => (char)random.Next(33, 127),
            });
        }
        return builder.ToString();
    }

    /// <summary>Escaped random text without control characters (a NUL in a path never gets past the HTTP parser).</summary>
    private string PathSegment() =>
        Uri.EscapeDataString(new string(RandomText(random.Next(1, 30)).Where(c => c >= ' ').DefaultIfEmpty('x').ToArray()));

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private string FlipChars(string text, int count)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < count && chars.Length > 0; i++)
        {
            chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
        }
        return new string(chars);
    }

    private static string Flip(string hex) => (hex[0] == '0' ? "1" : "0") + hex[1..];

    public static string Describe(HostileRequest request) => string.Create(CultureInfo.InvariantCulture, $"{request.Kind} {request.Description}");
}
