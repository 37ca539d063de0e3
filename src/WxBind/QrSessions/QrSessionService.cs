using Microsoft.Extensions.Options;
using WxBind.Realtime;
using WxBind.Wechat;

namespace WxBind.QrSessions;

/// <summary>Creates QR sessions (with WeChat's temporary code) and reads them for their own browser.</summary>
internal sealed partial class QrSessionService(
    QrSessionStore store,
    WechatApiClient wechat,
    IQrSessionNotifier notifier,
    IOptions<WechatOptions> wechatOptions,
    TimeProvider time,
    ILogger<QrSessionService> logger)
{
    /// <summary>Scene prefixes tell the push handlers whose scan it is without a database read.</summary>
    public static string ScenePrefix(string purpose) => purpose switch
    {
        QrSessionPurpose.Bind => "b_",
        QrSessionPurpose.Login => "l_",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public async Task<QrSession> CreateAsync(string purpose, string? userId, string browserSecret, string? userAgent, string? creatorIp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expireSeconds = wechatOptions.Value.QrExpireSeconds;
        var session = new QrSession
        {
            Id = BrowserKey.NewId(),
            Purpose = purpose,
            Status = QrSessionStatus.Pending,
            SceneStr = ScenePrefix(purpose) + BrowserKey.NewId(18),
            BrowserHash = BrowserKey.Hash(browserSecret),
            UserId = userId,
            UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
            CreatorIp = creatorIp,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.AddSeconds(expireSeconds),
        };
        var qrcode = await wechat.CreateQrcodeAsync(QrcodeCreateRequest.ForStrScene(session.SceneStr, expireSeconds), cancellationToken);
        session.Ticket = qrcode.Ticket;
        session.QrUrl = qrcode.Url;
        // WeChat may grant a shorter life than asked: the session never outlives its code.
        if (qrcode.ExpireSeconds is > 0 and var granted && granted < expireSeconds)
        {
            session.ExpiresAt = now.AddSeconds(granted);
        }
        await store.InsertAsync(session, cancellationToken);
        LogCreated(logger, session.Purpose, session.Id);
        return session;
    }

    /// <summary>The session if this browser created it; null otherwise (indistinguishable from a missing one).</summary>
    public async Task<QrSession?> GetForBrowserAsync(string id, string? browserSecret, CancellationToken cancellationToken)
    {
        var session = await GetAsync(id, cancellationToken);
        return session is not null && BrowserKey.Matches(browserSecret, session.BrowserHash) ? session : null;
    }

    /// <summary>The session as it stands now, for callers that already checked who is asking.</summary>
    public async Task<QrSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var session = await store.GetAsync(id, cancellationToken);
        return session is null ? null : await ExpireIfDueAsync(session, cancellationToken);
    }

    /// <summary>A session whose time is up reads as expired at once, whatever the sweeper's schedule.</summary>
    public async Task<QrSession> ExpireIfDueAsync(QrSession session, CancellationToken cancellationToken)
    {
        if (session.IsFinal || session.ExpiresAt > time.GetUtcNow())
        {
            return session;
        }
        await store.TransitionAsync(session.Id, session.Status, QrSessionStatus.Expired, time.GetUtcNow(), cancellationToken: cancellationToken);
        await notifier.PublishAsync(session.Id, cancellationToken);
        return await store.GetAsync(session.Id, cancellationToken) ?? session;
    }

    /// <summary>The page asked for a fresh code: the old one ends as cancelled.</summary>
    public async Task CancelAsync(QrSession session, CancellationToken cancellationToken)
    {
        if (!session.IsFinal
            && await store.TransitionAsync(session.Id, session.Status, QrSessionStatus.Cancelled, time.GetUtcNow(), cancellationToken: cancellationToken))
        {
            await notifier.PublishAsync(session.Id, cancellationToken);
        }
    }

    [LoggerMessage(3001, LogLevel.Information, "Created {Purpose} QR session {SessionId}")]
    private static partial void LogCreated(ILogger logger, string purpose, string sessionId);
}
