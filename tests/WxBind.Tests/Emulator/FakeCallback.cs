using System.Collections.Concurrent;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WxBind.Emulator;
using WxBind.Emulator.Crypto;

namespace WxBind.Tests.Emulator;

/// <summary>
/// Stands in for the app's <c>/wechat/callback</c>: checks the signatures, decrypts in the
/// encrypted modes and answers whatever the test asks for.
/// </summary>
public sealed class FakeCallback(EmulatorOptions options) : IDisposable
{
    private readonly ConcurrentQueue<ReceivedPush> _received = new();
    private readonly SemaphoreSlim _arrivals = new(0);

    /// <summary>What to answer; "success" when unset.</summary>
    public Func<ReceivedPush, CallbackAnswer>? Responder { get; set; }

    /// <summary>For handlers that call back into the emulator's APIs while they answer; wins over <see cref="Responder"/>.</summary>
    public Func<ReceivedPush, Task<CallbackAnswer>>? AsyncResponder { get; set; }

    public IReadOnlyList<ReceivedPush> Received => [.. _received];

    internal WechatMessageCrypto Crypto => new(options.EncodingAesKey, options.AppId);

    public async Task<ReceivedPush> WaitForAsync(Func<ReceivedPush, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = _received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await _arrivals.WaitAsync(timeout.Token);
        }
    }

    public void Dispose() => _arrivals.Dispose();

    public void Map(WebApplication app)
    {
        app.MapGet("/wechat/callback", (HttpRequest request) =>
            WechatSignature.Verify(request.Query["signature"], options.Token, request.Query["timestamp"].ToString(), request.Query["nonce"].ToString())
                ? Results.Text(request.Query["echostr"].ToString())
                : Results.Text("bad signature"));

        app.MapPost("/wechat/callback", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var query = request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
            var timestamp = query.GetValueOrDefault("timestamp", "");
            var nonce = query.GetValueOrDefault("nonce", "");
            var outer = XElement.Parse(body);
            var signatureValid = WechatSignature.Verify(query.GetValueOrDefault("signature"), options.Token, timestamp, nonce);
            bool? msgSignatureValid = null;
            var message = outer;
            if (query.GetValueOrDefault("encrypt_type") == "aes")
            {
                var encrypt = outer.Element("Encrypt")!.Value;
                msgSignatureValid = WechatSignature.Verify(query.GetValueOrDefault("msg_signature"), options.Token, timestamp, nonce, encrypt);
                message = XElement.Parse(Crypto.Decrypt(encrypt));
            }

            var push = new ReceivedPush(query, body, outer, message, signatureValid, msgSignatureValid);
            _received.Enqueue(push);
            _arrivals.Release();
            var answer = AsyncResponder is { } respond
                ? await respond(push)
                : Responder?.Invoke(push) ?? new CallbackAnswer(200, "success");
            return Results.Text(answer.Body, "text/xml", statusCode: answer.Status);
        });
    }

    /// <summary>A well-formed plaintext text reply with the ids swapped.</summary>
    public static string TextReply(ReceivedPush push, string content) =>
        new XElement("xml",
            new XElement("ToUserName", new XCData(push.Field("FromUserName")!)),
            new XElement("FromUserName", new XCData(push.Field("ToUserName")!)),
            new XElement("CreateTime", 1_772_352_000),
            new XElement("MsgType", new XCData("text")),
            new XElement("Content", new XCData(content))).ToString(SaveOptions.DisableFormatting);

    public static string NewsReply(ReceivedPush push, int articles) =>
        new XElement("xml",
            new XElement("ToUserName", new XCData(push.Field("FromUserName")!)),
            new XElement("FromUserName", new XCData(push.Field("ToUserName")!)),
            new XElement("CreateTime", 1_772_352_000),
            new XElement("MsgType", new XCData("news")),
            new XElement("ArticleCount", articles),
            new XElement("Articles", Enumerable.Range(1, articles).Select(i => new XElement("item",
                new XElement("Title", new XCData($"标题{i}")),
                new XElement("Description", new XCData("描述")),
                new XElement("PicUrl", new XCData("https://example.com/p.jpg")),
                new XElement("Url", new XCData($"https://example.com/a{i}")))))).ToString(SaveOptions.DisableFormatting);

    /// <summary>Wraps a reply the way §3.4 describes; <paramref name="tamper"/> breaks its MsgSignature.</summary>
    public string Encrypted(string replyXml, bool tamper = false)
    {
        var encrypt = Crypto.Encrypt(replyXml);
        var signature = WechatSignature.Compute(options.Token, "1772352001", "n0nce", encrypt);
        if (tamper)
        {
            signature = new string('0', 40);
        }

        return new XElement("xml",
            new XElement("Encrypt", new XCData(encrypt)),
            new XElement("MsgSignature", new XCData(signature)),
            new XElement("TimeStamp", "1772352001"),
            new XElement("Nonce", new XCData("n0nce"))).ToString(SaveOptions.DisableFormatting);
    }
}

public sealed record CallbackAnswer(int Status, string Body);

public sealed record ReceivedPush(
    IReadOnlyDictionary<string, string> Query,
    string RawBody,
    XElement Outer,
    XElement Message,
    bool SignatureValid,
    bool? MsgSignatureValid)
{
    public string? Field(string name) => Message.Element(name)?.Value;

    public string? Event => Field("Event");
}
