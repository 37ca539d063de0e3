using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Callback;

/// <summary>
/// Plays WeChat's side of the callback in tests: builds signed (and, per mode, encrypted) pushes
/// for the app under test and opens its replies, checking their signature.
/// </summary>
internal sealed class WechatPush
{
    private readonly IServiceProvider _services;
    private readonly FakeClock _clock;
    private readonly HttpClient _http;

    /// <param name="app">The running app (a <see cref="WxBindFactory"/> or one derived from it).</param>
    public WechatPush(WebApplicationFactory<Program> app, FakeClock clock)
    {
        _services = app.Services;
        _clock = clock;
        _http = app.CreateClient();
        Options = _services.GetRequiredService<IOptions<WechatOptions>>().Value;
        Crypto = new WechatMessageCrypto(Options.EncodingAesKey, Options.AppId);
    }

    public WechatOptions Options { get; }

    public WechatMessageCrypto Crypto { get; }

    public bool Encrypted => Options.MessageMode != WechatMessageMode.Plain;

    public long Now => _clock.GetUtcNow().ToUnixTimeSeconds();

    public static string TextXml(string openId, string content, long msgId, long createTime = 1700000000) =>
        $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>" +
        $"<MsgId>{msgId}</MsgId></xml>";

    public static string EventXml(string openId, string @event, string? eventKey, long createTime = 1700000000) =>
        $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName>" +
        $"<CreateTime>{createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{@event}]]></Event>" +
        (eventKey is null ? "" : $"<EventKey><![CDATA[{eventKey}]]></EventKey>") + "</xml>";

    /// <summary>Posts <paramref name="messageXml"/> as WeChat would in the app's configured mode.</summary>
    public Task<HttpResponseMessage> PostAsync(string messageXml, long? timestamp = null, bool badSignature = false, bool badMsgSignature = false)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetInt32(1_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        if (!Encrypted)
        {
            return PostRawAsync(messageXml, ts, nonce, null, badSignature);
        }
        var encrypt = Crypto.Encrypt(messageXml);
        // Compatible mode sends the plain fields too; safe mode only ToUserName and Encrypt.
        var body = Options.MessageMode == WechatMessageMode.Compatible
            ? messageXml.Replace("</xml>", $"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", StringComparison.Ordinal)
            : $"<xml><ToUserName><![CDATA[gh_wxbind000001]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        var msgSignature = WechatSignature.ComputeMsgSignature(Options.Token, ts, nonce, encrypt);
        return PostRawAsync(body, ts, nonce, badMsgSignature ? Flip(msgSignature) : msgSignature, badSignature);
    }

    /// <summary>Posts a body as is, signed for the query string (and with <paramref name="msgSignature"/> if given).</summary>
    public Task<HttpResponseMessage> PostRawAsync(string body, string timestamp, string nonce, string? msgSignature = null, bool badSignature = false) =>
        PostContentAsync(new StringContent(body, Encoding.UTF8, "text/xml"), timestamp, nonce, msgSignature, badSignature);

    public Task<HttpResponseMessage> PostContentAsync(HttpContent content, string timestamp, string nonce, string? msgSignature = null, bool badSignature = false)
    {
        var signature = WechatSignature.Compute(Options.Token, timestamp, nonce);
        var url = $"/wechat/callback?signature={(badSignature ? Flip(signature) : signature)}&timestamp={timestamp}&nonce={nonce}&openid=oTest";
        if (msgSignature is not null)
        {
            url += $"&encrypt_type=aes&msg_signature={msgSignature}";
        }
        return _http.PostAsync(url, content);
    }

    public string SignedQuery(long timestamp, string nonce) =>
        $"signature={WechatSignature.Compute(Options.Token, timestamp.ToString(CultureInfo.InvariantCulture), nonce)}&timestamp={timestamp}&nonce={nonce}";

    /// <summary>The reply as plain XML (or "success"), after checking MsgSignature and decrypting in encrypted modes.</summary>
    public async Task<string> ReadReplyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        if (body == "success" || !Encrypted)
        {
            return body;
        }
        var envelope = WechatMessage.Parse(body);
        var encrypt = envelope.Get("Encrypt")!;
        Assert.Equal(WechatSignature.ComputeMsgSignature(Options.Token, envelope.Get("TimeStamp")!, envelope.Get("Nonce")!, encrypt),
            envelope.Get("MsgSignature"));
        return Crypto.Decrypt(encrypt);
    }

    /// <summary>How many pushes the app has recorded as seen.</summary>
    public async Task<long> ProcessedCountAsync()
    {
        await using var connection = await _services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM processed_messages");
    }

    private static string Flip(string hex) => (hex[0] == '0' ? "1" : "0") + hex[1..];
}
