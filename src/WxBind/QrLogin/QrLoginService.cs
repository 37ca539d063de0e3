using Microsoft.Extensions.Options;
using WxBind.Binding;
using WxBind.QrSessions;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.QrLogin;

/// <summary>
/// F2: a login QR scanned by a bound user waits for confirmation on the phone, then the waiting
/// browser exchanges it for its login cookie exactly once; an unbound scanner is sent to
/// bind-complete. The account logged into is always the one the openid is bound to.
/// </summary>
internal sealed partial class QrLoginService(
    QrSessionStore sessions,
    BindingService binding,
    BindingStore bindings,
    Database database,
    IQrSessionNotifier notifier,
    IOptions<QrLoginOptions> options,
    IOptions<WechatOptions> wechat,
    IOptions<WxBindOptions> site,
    TimeProvider time,
    ILogger<QrLoginService> logger)
{
    public async Task<WechatReply> HandleScanAsync(string sceneStr, string openId, CancellationToken cancellationToken)
    {
        QrSession? session;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            session = await QrSessionStore.GetBySceneAsync(connection, null, sceneStr, cancellationToken);
        }
        var now = time.GetUtcNow();
        if (session is null || session.Purpose != QrSessionPurpose.Login)
        {
            return WechatReply.Text(QrLoginMessages.UnknownCode);
        }
        if (session.IsFinal || session.Status != QrSessionStatus.Pending)
        {
            return WechatReply.Text(session.Status == QrSessionStatus.Expired ? QrLoginMessages.Expired : QrLoginMessages.AlreadyUsed);
        }
        if (session.ExpiresAt <= now)
        {
            await sessions.TransitionAsync(session.Id, session.Status, QrSessionStatus.Expired, now, cancellationToken: cancellationToken);
            await notifier.PublishAsync(session.Id, cancellationToken);
            return WechatReply.Text(QrLoginMessages.Expired);
        }

        var bound = await binding.FindByOpenIdAsync(openId, cancellationToken);
        WechatReply reply;
        bool moved;
        if (bound is null)
        {
            moved = await sessions.RecordLoginScanAsync(session.Id, QrSessionStatus.NeedsAccount, null, openId, null, now, cancellationToken);
            reply = WechatReply.Text(QrLoginMessages.NeedsAccount);
        }
        else if (options.Value.RequireConfirmation)
        {
            var token = BrowserKey.NewId(24);
            moved = await sessions.RecordLoginScanAsync(session.Id, QrSessionStatus.AwaitingConfirmation, bound.UserId, openId, BrowserKey.Hash(token), now, cancellationToken);
            var link = new Uri(site.Value.PublicBaseUri, $"wx/confirm-login/{session.Id}?t={token}").ToString();
            reply = WechatReply.News([new WechatArticle(QrLoginMessages.ConfirmTitle, QrLoginMessages.ConfirmDescription(UserAgentSummary.Of(session.UserAgent)), link, null)]);
        }
        else
        {
            moved = await sessions.RecordLoginScanAsync(session.Id, QrSessionStatus.Completed, bound.UserId, openId, null, now, cancellationToken);
            reply = WechatReply.Text(QrLoginMessages.LoggedIn);
        }
        if (!moved)
        {
            // Another scan, or the expiry, got there first.
            return WechatReply.Text(QrLoginMessages.AlreadyUsed);
        }
        await notifier.PublishAsync(session.Id, cancellationToken);
        return reply;
    }

    /// <summary>The session behind a confirm link, if the link's token is the right one and still unused.</summary>
    public async Task<QrSession?> FindForConfirmationAsync(string id, string? token, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        return session is { Status: QrSessionStatus.AwaitingConfirmation, ConfirmHash: { } hash }
            && session.ExpiresAt > time.GetUtcNow()
            && BrowserKey.Matches(token, hash) ? session : null;
    }

    /// <summary>确认登录 or 取消 on the phone; false when the link is wrong, used or too late.</summary>
    public async Task<bool> AnswerAsync(string id, string? token, bool confirm, CancellationToken cancellationToken)
    {
        if (token is null || await FindForConfirmationAsync(id, token, cancellationToken) is null)
        {
            return false;
        }
        var answered = await sessions.AnswerConfirmationAsync(id, BrowserKey.Hash(token),
            confirm ? QrSessionStatus.Completed : QrSessionStatus.Cancelled, confirm ? null : "cancelled_on_phone", time.GetUtcNow(), cancellationToken);
        if (answered)
        {
            await notifier.PublishAsync(id, cancellationToken);
        }
        return answered;
    }

    /// <summary>
    /// The waiting browser turns its completed session into a login, once. The binding is checked
    /// again here: an openid unbound since the scan logs nobody in.
    /// </summary>
    public async Task<User?> ExchangeAsync(string id, string? browserSecret, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is not { Purpose: QrSessionPurpose.Login, Status: QrSessionStatus.Completed, UserId: { } userId, OpenId: { } openId }
            || !BrowserKey.Matches(browserSecret, session.BrowserHash))
        {
            return null;
        }
        var current = await binding.FindByOpenIdAsync(openId, cancellationToken);
        if (current?.UserId != userId || !await sessions.MarkExchangedAsync(id, time.GetUtcNow(), cancellationToken))
        {
            return null;
        }
        await using var connection = await database.OpenForWriteAsync(cancellationToken);
        await bindings.AppendLedgerAsync(connection, null, LedgerAction.QrLogin, userId, wechat.Value.AppId, openId, "scan", cancellationToken);
        LogQrLogin(logger, userId);
        return await UserStore.FindByIdAsync(connection, null, userId, cancellationToken);
    }

    /// <summary>bind-complete: the session of this browser that waits for an account, if any.</summary>
    public async Task<QrSession?> FindNeedingAccountAsync(string? id, string? browserSecret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }
        var session = await sessions.GetAsync(id, cancellationToken);
        return session is { Purpose: QrSessionPurpose.Login, Status: QrSessionStatus.NeedsAccount, OpenId: not null }
            && BrowserKey.Matches(browserSecret, session.BrowserHash) ? session : null;
    }

    /// <summary>
    /// bind-complete: binds the scanner's openid to the account just logged into or registered and
    /// completes the session (already exchanged: the page signs the user in itself).
    /// </summary>
    public async Task<BindOutcome> CompleteWithAccountAsync(QrSession session, User user, CancellationToken cancellationToken)
    {
        var outcome = await binding.BindOpenIdAsync(user.Id, session.OpenId!, "qr-login", cancellationToken);
        if (outcome.Result is not (BindResult.Bound or BindResult.AlreadyBound))
        {
            return outcome;
        }
        var now = time.GetUtcNow();
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            // Completed and already exchanged: this page signs the user in itself, nobody else may.
            if (await QrSessionStore.TransitionAsync(connection, transaction, session.Id, QrSessionStatus.NeedsAccount, QrSessionStatus.Completed, now, cancellationToken: cancellationToken))
            {
                await QrSessionStore.MarkExchangedAsync(connection, transaction, session.Id, now, cancellationToken);
                await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.QrLogin, user.Id, wechat.Value.AppId, session.OpenId!, "bind-complete", cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        await notifier.PublishAsync(session.Id, cancellationToken);
        return outcome;
    }

    [LoggerMessage(5001, LogLevel.Information, "User {UserId} logged in by QR")]
    private static partial void LogQrLogin(ILogger logger, string userId);
}
