using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Callback;

/// <summary>
/// One push from WeChat, start to finish (DESIGN §5): verify, decrypt, drop duplicates, ask the
/// handlers, and reply in the push's mode. Every refusal happens before anything is stored.
/// </summary>
internal sealed partial class CallbackService(
    IOptions<WechatOptions> options,
    WechatMessageCrypto crypto,
    DeliveryMemory memory,
    ProcessedMessageStore store,
    Database database,
    IEnumerable<WechatHandlerRegistration> registrations,
    HelpReplyHandler fallback,
    TimeProvider time,
    ILogger<CallbackService> logger)
{
    // WeChat gives up after 5 s and retries; stop handlers well before, so an answer still arrives.
    private static readonly TimeSpan HandlerBudget = TimeSpan.FromSeconds(3);

    private readonly WechatHandlerRegistration[] _handlers = [.. registrations];

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

        byte[]? body;
        try
        {
            body = await ReadBodyAsync(request, Options.CallbackMaxBodyBytes, cancellationToken);
        }
        catch (BadHttpRequestException e)
        {
            // The body ended before its announced length (the request was cut off on the way) or
            // broke the server's limits: refused like any malformed push, never a server error.
            LogBadBody(logger, e.Message);
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The sender went away in the middle of the body: nothing was accepted, nobody waits for an answer.
            return TypedResults.Empty;
        }
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
        // The signature is a function of (timestamp, nonce) and the token, so those two name the
        // signed query; upper- and lowercase copies of one signature cannot pass as two queries.
        var push = new PushRecord($"{timestamp}:{nonce}", Convert.ToHexString(SHA256.HashData(body)), DedupKey(message),
            Math.Max(seconds * 1000 + (long)Options.CallbackTimestampWindow.TotalMilliseconds,
                time.GetUtcNow().ToUnixTimeMilliseconds() + (long)Options.DedupWindow.TotalMilliseconds));
        DedupOutcome outcome;
        string? replyXml;
        try
        {
            (outcome, replyXml) = await HandleOnceAsync(message, push, seconds, request.HttpContext.RequestServices, cancellationToken);
        }
        catch (Exception e) when (IsStorageUnavailable(e))
        {
            // The database is away: the push can be neither recorded nor handled. WeChat still gets
            // an answer in time (never a 500, which shows "该公众号暂时无法提供服务"), and the user is
            // asked to try again; WeChat does not retry an answered push, so this one is logged as lost.
            LogStorageUnavailable(logger, message.MsgType, e);
            return WechatReply.Text(UnavailableText).ToXml(message, time.GetUtcNow().ToUnixTimeSeconds()) is { } tryAgain
                ? Reply(tryAgain, encrypted)
                : Success();
        }
        if (outcome == DedupOutcome.Refused)
        {
            LogReplayRefused(logger, message.MsgType);
            return TypedResults.Problem("This signed query was already accepted with another body.", statusCode: StatusCodes.Status401Unauthorized);
        }
        return replyXml is null ? Success() : Reply(replyXml, encrypted);
    }

    /// <summary>
    /// Handles a push once across retries, replays and instances. A retry of a finished push gets
    /// the same reply; one that arrives while the first is still running is acknowledged with
    /// "success"; a signed query that comes back with another body is refused. No reply is sent
    /// before the state change it announces is on disk.
    /// </summary>
    private async Task<(DedupOutcome Outcome, string? ReplyXml)> HandleOnceAsync(
        WechatMessage message, PushRecord push, long timestamp, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!database.IsPostgres && timestamp < memory.StartedAt)
        {
            // On SQLite a push that changed nothing is remembered in memory only, and a restart
            // (or a crash) forgets it. A push stamped before this process started may be one the
            // last process accepted: it passes only if the database recorded it (it changed
            // state), and is then answered from that record; otherwise it is refused, since its
            // signed query might have carried another body before. WeChat does not retry a push
            // it got an answer to, so this refuses nothing WeChat still waits for, except a push
            // in flight during the crash that changed nothing.
            var known = await store.FindAsync(push, cancellationToken);
            LogDuplicate(logger, message.MsgType, known?.Outcome ?? DedupOutcome.Refused);
            return known is null ? (DedupOutcome.Refused, null) : (known.Outcome, known.ReplyXml);
        }

        var admission = memory.Admit(push.QueryKey, push.BodyHash, push.DedupKey, push.ExpiresAt);
        if (admission.Outcome == AdmissionOutcome.Refused)
        {
            return (DedupOutcome.Refused, null);
        }
        var delivery = admission.Delivery;
        if (admission.Outcome == AdmissionOutcome.Repeat)
        {
            var done = delivery.TryGetReply(out var earlier);
            LogDuplicate(logger, message.MsgType, done ? DedupOutcome.Completed : DedupOutcome.InProgress);
            return (done ? DedupOutcome.Completed : DedupOutcome.InProgress, earlier);
        }

        if (database.IsPostgres)
        {
            // Several instances: each push is claimed in the database before it is handled, so
            // another instance's memory is never the only record of a signed query.
            DedupClaim claim;
            try
            {
                claim = await store.TryClaimAsync(push, cancellationToken);
            }
            catch
            {
                memory.Release(delivery); // not handled: WeChat's retry must find it unclaimed
                throw;
            }
            if (claim.Outcome != DedupOutcome.Claimed)
            {
                LogDuplicate(logger, message.MsgType, claim.Outcome);
                if (claim.Outcome == DedupOutcome.Completed)
                {
                    delivery.Reply.TrySetResult(claim.ReplyXml);
                }
                else
                {
                    memory.Release(delivery);
                }
                return (claim.Outcome, claim.ReplyXml);
            }
        }

        // A push no feature takes (small talk) is answered by the built-in help at once: no
        // handler, no budget, nothing written.
        var taken = Array.Exists(_handlers, handler => handler.Takes(message));
        // SQLite: the push's records join whatever the handlers write, so a push that changes
        // nothing writes nothing, and one that changes state records itself with the change.
        using var enlistment = database.IsPostgres || !taken ? null
            : WriteEnlistment.Begin((connection, transaction, token) => store.RecordAsync(connection, transaction, push, token));
        var recorded = database.IsPostgres;
        try
        {
            WechatReply? reply;
            if (taken)
            {
                using var budget = new CancellationTokenSource(HandlerBudget, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
                reply = await DispatchAsync(message, services, linked.Token);
            }
            else
            {
                reply = await fallback.HandleAsync(message, cancellationToken);
            }
            var replyXml = reply?.ToXml(message, time.GetUtcNow().ToUnixTimeSeconds());
            enlistment?.Dispose();
            recorded |= enlistment?.Used == true;
            if (recorded)
            {
                // The reply is kept for WeChat's retries. The change it announces is on disk already
                // (with the push's record, in the same commit), so the answer does not wait for it;
                // unless a handler's write deferred its flush to this group commit.
                var completion = store.CompleteAsync(push.DedupKey, replyXml, CancellationToken.None);
                if (enlistment?.AwaitsFlush == true)
                {
                    await completion;
                }
                else
                {
                    _ = KeepReplyAsync(completion, message.MsgType);
                }
            }
            delivery.Reply.TrySetResult(replyXml);
            return (DedupOutcome.Claimed, replyXml);
        }
        catch (Exception e)
        {
            // The push is given back so WeChat's retry is handled afresh; WeChat itself gets "success",
            // never a 500 that would show the user "该公众号暂时无法提供服务".
            memory.Release(delivery);
            if (recorded || enlistment?.Used == true)
            {
                try
                {
                    await store.ReleaseAsync(push.DedupKey, CancellationToken.None);
                }
                catch (Exception release) when (IsStorageUnavailable(release))
                {
                    // The claim expires with the timestamp window; nothing else is left behind.
                }
            }
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                // The sender went away (WeChat gave up, or the connection closed): nobody waits for
                // an answer, and the push is given back for WeChat's retry. Not a failure.
                LogSenderLeft(logger, message.MsgType);
                return (DedupOutcome.Claimed, null);
            }
            if (IsStorageUnavailable(e))
            {
                throw; // answered by ReceiveAsync: the user is asked to try again
            }
            LogHandlerFailed(logger, message.MsgType, e);
            return (DedupOutcome.Claimed, null);
        }
    }

    /// <summary>
    /// Waits for a reply to be recorded after its answer went out. If it cannot be, the push's
    /// change still stands: a retry in this process gets the reply from memory, one after a
    /// restart gets "success".
    /// </summary>
    private async Task KeepReplyAsync(Task completion, string msgType)
    {
        try
        {
            await completion;
        }
        catch (Exception e)
        {
            LogReplyNotKept(logger, msgType, e);
        }
    }

    private async Task<WechatReply?> DispatchAsync(WechatMessage message, IServiceProvider services, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            if (handler.Takes(message)
                && await ((IWechatMessageHandler)services.GetRequiredService(handler.HandlerType)).HandleAsync(message, cancellationToken) is { } reply)
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

    private const string UnavailableText = "系统繁忙，请稍后再试。";

    /// <summary>A failure of the database itself (down, unreachable, no connection or write turn in time).</summary>
    private static bool IsStorageUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException or TimeoutException)
            {
                return true;
            }
        }
        return false;
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

    [LoggerMessage(3010, LogLevel.Warning, "WeChat callback: the body could not be read ({Reason})")]
    private static partial void LogBadBody(ILogger logger, string reason);

    [LoggerMessage(3005, LogLevel.Warning, "WeChat callback: decryption failed ({Reason})")]
    private static partial void LogDecryptFailed(ILogger logger, string reason);

    [LoggerMessage(3006, LogLevel.Information, "WeChat callback: duplicate {MsgType} delivery ({Outcome})")]
    private static partial void LogDuplicate(ILogger logger, string msgType, DedupOutcome outcome);

    [LoggerMessage(3007, LogLevel.Error, "WeChat callback: handling a {MsgType} push failed")]
    private static partial void LogHandlerFailed(ILogger logger, string msgType, Exception exception);

    [LoggerMessage(3009, LogLevel.Error, "WeChat callback: the database is unavailable; a {MsgType} push was answered with a try-again text and is lost")]
    private static partial void LogStorageUnavailable(ILogger logger, string msgType, Exception exception);

    [LoggerMessage(3011, LogLevel.Warning, "WeChat callback: the reply to a handled {MsgType} push could not be kept for retries; its change stands")]
    private static partial void LogReplyNotKept(ILogger logger, string msgType, Exception exception);

    [LoggerMessage(3012, LogLevel.Information, "WeChat callback: the sender went away while a {MsgType} push was handled; it is given back for a retry")]
    private static partial void LogSenderLeft(ILogger logger, string msgType);

    [LoggerMessage(3008, LogLevel.Warning, "WeChat callback: a signed query came back with another {MsgType} body; refused")]
    private static partial void LogReplayRefused(ILogger logger, string msgType);
}
