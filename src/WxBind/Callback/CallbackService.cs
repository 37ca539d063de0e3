using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// One push from WeChat, start to finish (DESIGN §5): verify, decrypt, drop duplicates, ask the
/// handlers, and reply in the push's mode. Every refusal happens before anything is stored.
/// </summary>
internal sealed partial class CallbackService(
    IOptions<WechatOptions> options,
    WechatMessageCrypto crypto,
    ProcessedMessageStore store,
    IEnumerable<IWechatMessageHandler> handlers,
    HelpReplyHandler fallback,
    TimeProvider time,
    ILogger<CallbackService> logger)
{
    // WeChat gives up after 5 s and retries; stop handlers well before, so an answer still arrives.
    private static readonly TimeSpan HandlerBudget = TimeSpan.FromSeconds(3);

    private WechatOptions Options => options.Value;

    /// <summary>GET: URL verification (§1). The echostr is plaintext in every mode.</summary>
    public IResult Verify(HttpRequest request)
    {
        var query = request.Query;
        if (!SignatureHolds(query["signature"], query["timestamp"], query["nonce"]))
        {
            LogBadSignature(logger, "GET");
            return TypedResults.Problem("The signature does not match the configured Wechat:Token.", statusCode: StatusCodes.Status401Unauthorized);
        }
        return query["echostr"].ToString() is { Length: > 0 } echostr
            ? TypedResults.Text(echostr, "text/plain")
            : TypedResults.Problem("echostr is missing.", statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>POST: a message or event (§2, §3).</summary>
    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = request.Query;
        string timestamp = query["timestamp"].ToString(), nonce = query["nonce"].ToString();
        if (!SignatureHolds(query["signature"], timestamp, nonce))
        {
            LogBadSignature(logger, "POST");
            return TypedResults.Problem("The signature does not match the configured Wechat:Token.", statusCode: StatusCodes.Status401Unauthorized);
        }
        // A valid signature never expires by itself: the timestamp window is what stops replays.
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > Options.CallbackTimestampWindow.TotalSeconds)
        {
            LogStaleTimestamp(logger);
            return TypedResults.Problem("The timestamp is outside the accepted window.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var body = await ReadBodyAsync(request, Options.CallbackMaxBodyBytes, cancellationToken);
        if (body is null)
        {
            LogBodyTooLarge(logger, Options.CallbackMaxBodyBytes);
            return TypedResults.Problem($"The body is larger than {Options.CallbackMaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var encrypted = Options.MessageMode != WechatMessageMode.Plain;
        WechatMessage message;
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            var document = WechatXml.Parse(stream);
            if (encrypted)
            {
                // Compatible mode also carries plain copies of the fields; only the encrypted one is authenticated.
                var encrypt = document.Root?.Element("Encrypt")?.Value;
                if (encrypt is null || !WechatSignature.Matches(
                        WechatSignature.ComputeMsgSignature(Options.Token, timestamp, nonce, encrypt), query["msg_signature"]))
                {
                    LogBadSignature(logger, "POST msg_signature");
                    return TypedResults.Problem("An encrypted push with a valid msg_signature is expected.", statusCode: StatusCodes.Status401Unauthorized);
                }
                document = WechatXml.Parse(crypto.Decrypt(encrypt));
            }
            message = WechatMessage.FromXml(document);
        }
        catch (XmlException e)
        {
            LogMalformedXml(logger, e.Message);
            return TypedResults.Problem("The body is not well-formed XML (DTDs are not accepted).", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (WechatCryptoException e)
        {
            LogDecryptFailed(logger, e.Message);
            return TypedResults.Problem("The encrypted message cannot be decrypted for this account.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (message.MsgType.Length == 0)
        {
            return Success();
        }
        var replyXml = await HandleOnceAsync(message, cancellationToken);
        return replyXml is null ? Success() : Reply(replyXml, encrypted);
    }

    /// <summary>
    /// Handles a push once across retries and instances. A retry of a finished push gets the same
    /// reply; one that arrives while the first is still running is acknowledged with "success".
    /// </summary>
    private async Task<string?> HandleOnceAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var key = DedupKey(message);
        var claim = await store.TryClaimAsync(key, cancellationToken);
        if (claim.Outcome != DedupOutcome.Claimed)
        {
            LogDuplicate(logger, message.MsgType, claim.Outcome);
            return claim.ReplyXml;
        }

        string? replyXml;
        try
        {
            using var budget = new CancellationTokenSource(HandlerBudget, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
            var reply = await DispatchAsync(message, linked.Token);
            replyXml = reply?.ToXml(message, time.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (Exception e)
        {
            // The push is given back so WeChat's retry is handled afresh; WeChat itself gets "success",
            // never a 500 that would show the user "该公众号暂时无法提供服务".
            LogHandlerFailed(logger, message.MsgType, e);
            await store.ReleaseAsync(key, CancellationToken.None);
            return null;
        }
        await store.CompleteAsync(key, replyXml, CancellationToken.None);
        return replyXml;
    }

    private async Task<WechatReply?> DispatchAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        foreach (var handler in handlers)
        {
            if (await handler.HandleAsync(message, cancellationToken) is { } reply)
            {
                return reply;
            }
        }
        return await fallback.HandleAsync(message, cancellationToken);
    }

    /// <summary>MsgId for user messages; FromUserName+CreateTime+Event+EventKey for events (§2.6).</summary>
    internal static string DedupKey(WechatMessage message) => message.MsgId is { } msgId
        ? $"msg:{msgId.ToString(CultureInfo.InvariantCulture)}"
        : $"evt:{message.FromUserName}:{message.CreateTime.ToString(CultureInfo.InvariantCulture)}:{message.Event}:{message.EventKey}";

    private ContentHttpResult Reply(string replyXml, bool encrypted)
    {
        if (!encrypted)
        {
            return TypedResults.Text(replyXml, "text/xml", Encoding.UTF8);
        }
        // Each delivery gets fresh ciphertext, nonce and timestamp, also when replaying a stored reply.
        var encrypt = crypto.Encrypt(replyXml);
        var timeStamp = time.GetUtcNow().ToUnixTimeSeconds();
        var nonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var signature = WechatSignature.ComputeMsgSignature(Options.Token, timeStamp.ToString(CultureInfo.InvariantCulture), nonce, encrypt);
        return TypedResults.Text(WechatXml.EncryptedEnvelope(encrypt, signature, timeStamp, nonce), "text/xml", Encoding.UTF8);
    }

    private static ContentHttpResult Success() => TypedResults.Text("success", "text/plain");

    private bool SignatureHolds(string? signature, string? timestamp, string? nonce) =>
        !string.IsNullOrEmpty(timestamp) && !string.IsNullOrEmpty(nonce)
        && WechatSignature.Matches(WechatSignature.Compute(Options.Token, timestamp, nonce), signature);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is larger (never buffered whole).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    [LoggerMessage(3001, LogLevel.Warning, "WeChat callback {Method}: signature mismatch")]
    private static partial void LogBadSignature(ILogger logger, string method);

    [LoggerMessage(3002, LogLevel.Warning, "WeChat callback: timestamp outside the window")]
    private static partial void LogStaleTimestamp(ILogger logger);

    [LoggerMessage(3003, LogLevel.Warning, "WeChat callback: body over {Limit} bytes refused")]
    private static partial void LogBodyTooLarge(ILogger logger, int limit);

    [LoggerMessage(3004, LogLevel.Warning, "WeChat callback: malformed XML ({Reason})")]
    private static partial void LogMalformedXml(ILogger logger, string reason);

    [LoggerMessage(3005, LogLevel.Warning, "WeChat callback: decryption failed ({Reason})")]
    private static partial void LogDecryptFailed(ILogger logger, string reason);

    [LoggerMessage(3006, LogLevel.Information, "WeChat callback: duplicate {MsgType} delivery ({Outcome})")]
    private static partial void LogDuplicate(ILogger logger, string msgType, DedupOutcome outcome);

    [LoggerMessage(3007, LogLevel.Error, "WeChat callback: handling a {MsgType} push failed")]
    private static partial void LogHandlerFailed(ILogger logger, string msgType, Exception exception);
}
