using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WxBind.Emulator.Crypto;

namespace WxBind.Emulator.Push;

/// <summary>
/// Delivers pushes to the app's callback like WeChat (wechat-protocol.md §2, §3, §11.3–§11.7):
/// signed query, body per mode, a deadline per attempt and re-delivery of the same message.
/// </summary>
internal sealed class PushService(
    IHttpClientFactory httpClientFactory,
    IOptions<EmulatorOptions> options,
    TimeProvider time,
    EmulatorFaults faults,
    DeliveryLog log,
    ILogger<PushService> logger)
{
    private readonly EmulatorOptions _options = options.Value;
    private readonly WechatMessageCrypto? _crypto = options.Value.MessageMode == EmulatorMessageMode.Plain
        ? null
        : new WechatMessageCrypto(options.Value.EncodingAesKey, options.Value.AppId);

    public async Task<DeliveryResult> DeliverAsync(PushMessage message, CancellationToken cancellationToken)
    {
        var pushId = log.NextPushId();
        var msgId = message.MsgId?.ToString(CultureInfo.InvariantCulture);
        var mode = _options.MessageMode.ToString();
        if (_options.CallbackUrl is null)
        {
            EmulatorLog.NoCallbackUrl(logger, message.Label);
            log.Add(id => new DeliveryRecord(id, pushId, time.GetUtcNow(), 1, mode, message.Label, message.OpenId, msgId, null, 0, DeliveryResult.NotSent, "no CallbackUrl configured", null));
            return new DeliveryResult(false, 0, DeliveryResult.NotSent, "no CallbackUrl configured", null, msgId);
        }

        var attempts = Math.Max(1, _options.PushAttempts);
        SignedPush? signed = null;
        string? lastProblem = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (signed is null || _options.RegenerateSignatureOnRetry)
            {
                signed = Sign(message);
            }

            var started = time.GetTimestamp();
            var outcome = await AttemptAsync(signed, message, cancellationToken);
            var elapsed = outcome.Duration ?? time.GetElapsedTime(started);
            var attemptNo = attempt;
            log.Add(id => new DeliveryRecord(id, pushId, time.GetUtcNow(), attemptNo, mode, message.Label, message.OpenId, msgId,
                outcome.StatusCode, (long)elapsed.TotalMilliseconds, outcome.Outcome, outcome.Detail, outcome.Reply?.Summary));
            EmulatorLog.PushAttempt(logger, message.Label, attempt, attempts, _options.MessageMode, outcome.Outcome);

            if (outcome.Final is { } result)
            {
                var final = result with { Attempts = attempt, MsgId = msgId };
                if (final.Outcome == DeliveryResult.Notice)
                {
                    EmulatorLog.PushFailed(logger, message.Label, final.Detail ?? "");
                }

                return final;
            }

            lastProblem = outcome.Detail;
        }

        var detail = $"no valid answer after {attempts} attempt(s): {lastProblem}";
        EmulatorLog.PushFailed(logger, message.Label, detail);
        return new DeliveryResult(false, attempts, DeliveryResult.Notice, detail, null, msgId);
    }

    /// <summary>The GET echostr check WeChat runs when the server config is saved (§1, §11.2).</summary>
    public async Task<UrlVerification> VerifyUrlAsync(CancellationToken cancellationToken)
    {
        if (_options.CallbackUrl is null)
        {
            return new UrlVerification(false, null, null, null, "no CallbackUrl configured");
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = EmulatorIds.NewDigits(10);
        var echostr = EmulatorIds.NewDigits(18);
        var url = QueryHelpers.AddQueryString(_options.CallbackUrl.ToString(), new Dictionary<string, string?>
        {
            ["signature"] = WechatSignature.Compute(_options.Token, timestamp, nonce),
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["echostr"] = echostr,
        });

        using var timeout = new CancellationTokenSource(_options.PushTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var client = httpClientFactory.CreateClient(EmulatorOptions.PushHttpClientName);
            using var response = await client.GetAsync(new Uri(url), linked.Token);
            var body = await response.Content.ReadAsStringAsync(linked.Token);
            // Trailing CR/LF is tolerated (WxJava's demo println's the echostr); nothing else is.
            var pass = response.IsSuccessStatusCode && body.TrimEnd('\r', '\n') == echostr;
            return new UrlVerification(pass, (int)response.StatusCode, echostr, body.Length > 200 ? body[..200] : body,
                pass ? "echostr echoed" : "the body is not the echostr");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            return new UrlVerification(false, null, echostr, null, e is OperationCanceledException ? "timeout" : "connection failed: " + e.Message);
        }
    }

    private SignedPush Sign(PushMessage message)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = EmulatorIds.NewDigits(10);
        var query = new Dictionary<string, string?>
        {
            ["signature"] = WechatSignature.Compute(_options.Token, timestamp, nonce),
            ["timestamp"] = timestamp,
            ["nonce"] = nonce,
            ["openid"] = message.OpenId,
        };

        var plain = message.ToElement(_options.OriginalId);
        string body;
        if (_crypto is null)
        {
            body = plain.ToString(SaveOptions.DisableFormatting);
        }
        else
        {
            // Fresh random prefix every time, so the same message never repeats its ciphertext.
            var encrypt = _crypto.Encrypt(plain.ToString(SaveOptions.DisableFormatting));
            query["encrypt_type"] = "aes";
            query["msg_signature"] = WechatSignature.Compute(_options.Token, timestamp, nonce, encrypt);
            var envelope = _options.MessageMode == EmulatorMessageMode.Compatible
                ? new XElement(plain)
                : new XElement("xml", new XElement("ToUserName", new XCData(_options.OriginalId)));
            envelope.Add(new XElement("Encrypt", new XCData(encrypt)));
            body = envelope.ToString(SaveOptions.DisableFormatting);
        }

        return new SignedPush(new Uri(QueryHelpers.AddQueryString(_options.CallbackUrl!.ToString(), query)), body);
    }

    private async Task<AttemptOutcome> AttemptAsync(SignedPush signed, PushMessage message, CancellationToken cancellationToken)
    {
        if (faults.TryConsumeCallbackFailure())
        {
            return AttemptOutcome.Retry("connection-failed", "fault: failCallbackCount", null);
        }

        using var timeout = new CancellationTokenSource(_options.PushTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        int status;
        string body;
        try
        {
            var client = httpClientFactory.CreateClient(EmulatorOptions.PushHttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, signed.Url)
            {
                Content = new StringContent(signed.Body, Encoding.UTF8, "text/xml"),
            };
            request.Headers.UserAgent.ParseAdd("Mozilla/4.0");
            using var response = await client.SendAsync(request, linked.Token);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return AttemptOutcome.Retry("timeout", $"no answer within {_options.PushTimeout.TotalMilliseconds:0} ms", null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            return AttemptOutcome.Retry("connection-failed", e.Message, null);
        }

        // A simulated slow callback: the app did get the push, but its answer comes too late.
        var slow = TimeSpan.FromMilliseconds(faults.SlowCallbackMs);
        if (slow >= _options.PushTimeout && slow > TimeSpan.Zero)
        {
            return AttemptOutcome.Retry("timeout", $"fault: slowCallbackMs {slow.TotalMilliseconds:0} ≥ deadline", status, _options.PushTimeout);
        }

        if (slow > TimeSpan.Zero)
        {
            await Task.Delay(slow, time, cancellationToken);
        }

        if (status >= 500)
        {
            return AttemptOutcome.Retry("http-" + status.ToString(CultureInfo.InvariantCulture), "callback answered a server error", status);
        }

        if (status is < 200 or >= 300)
        {
            return AttemptOutcome.Done("http-" + status.ToString(CultureInfo.InvariantCulture), status,
                new DeliveryResult(true, 0, DeliveryResult.Notice, $"callback answered HTTP {status}", null, null));
        }

        var verdict = ReplyReader.Read(body, message, _options, _crypto);
        if (!verdict.IsValid)
        {
            return AttemptOutcome.Done("invalid-reply", status, new DeliveryResult(true, 0, DeliveryResult.Notice, verdict.Problem, null, null));
        }

        if (verdict.Reply is null)
        {
            return AttemptOutcome.Done(DeliveryResult.NoReply, status, new DeliveryResult(true, 0, DeliveryResult.NoReply, null, null, null));
        }

        if (faults.DropReplies)
        {
            return AttemptOutcome.Done(DeliveryResult.ReplyDropped, status,
                new DeliveryResult(true, 0, DeliveryResult.ReplyDropped, "fault: dropReplies", null, null), verdict.Reply);
        }

        return AttemptOutcome.Done(DeliveryResult.Replied, status, new DeliveryResult(true, 0, DeliveryResult.Replied, null, verdict.Reply, null), verdict.Reply);
    }

    private sealed record SignedPush(Uri Url, string Body);

    private sealed record AttemptOutcome(string Outcome, string? Detail, int? StatusCode, DeliveryResult? Final, PushReply? Reply, TimeSpan? Duration)
    {
        public static AttemptOutcome Retry(string outcome, string? detail, int? status, TimeSpan? duration = null) =>
            new(outcome, detail, status, null, null, duration);

        public static AttemptOutcome Done(string outcome, int status, DeliveryResult final, PushReply? reply = null) =>
            new(outcome, final.Detail, status, final, reply, null);
    }
}

internal sealed record UrlVerification(bool Pass, int? StatusCode, string? Echostr, string? Body, string Detail);
