using System.Data.Common;
using Microsoft.Extensions.Options;
using WxBind.Binding;
using WxBind.Localization;
using WxBind.QrSessions;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.QrLogin;

/// <summary>
/// F2: a login QR scanned by a bound user waits for confirmation on the phone, then the waiting
/// browser exchanges it for its login cookie exactly once; an unbound scanner first agrees on the
/// phone to be bound, then the waiting browser is sent to bind-complete. The account logged into
/// is always the one the openid is bound to, and every login and binding is told in WeChat.
/// </summary>
internal sealed partial class QrLoginService(
    QrSessionStore sessions,
    BindingService binding,
    BindingStore bindings,
    Database database,
    IQrSessionNotifier notifier,
    WechatApiClient wechatApi,
    IOptions<QrLoginOptions> options,
    IOptions<WechatOptions> wechat,
    IOptions<WxBindOptions> site,
    TimeProvider time,
    SiteClock clock,
    ILogger<QrLoginService> logger)
{
    // A claim whose request died (a crash between claim and completion) is taken over after this.
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(30);

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
        var facts = FactsOf(session);
        WechatReply reply;
        bool moved;
        if (bound is null)
        {
            // Never bound silently: a relayed code must not tie this WeChat to someone else's account.
            var token = BrowserKey.NewId(24);
            moved = await sessions.RecordLoginScanAsync(session.Id, QrSessionStatus.AwaitingAgreement, null, openId, BrowserKey.Hash(token), now, cancellationToken);
            reply = WechatReply.News([new WechatArticle(QrLoginMessages.AgreeTitle, QrLoginMessages.AgreeDescription(facts), PhoneLink("agree-bind", session.Id, token), null)]);
        }
        else if (options.Value.RequireConfirmation)
        {
            var token = BrowserKey.NewId(24);
            moved = await sessions.RecordLoginScanAsync(session.Id, QrSessionStatus.AwaitingConfirmation, bound.UserId, openId, BrowserKey.Hash(token), now, cancellationToken);
            reply = WechatReply.News([new WechatArticle(QrLoginMessages.ConfirmTitle, QrLoginMessages.ConfirmDescription(facts), PhoneLink("confirm-login", session.Id, token), null)]);
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

    private string PhoneLink(string page, string id, string token) => new Uri(site.Value.PublicBaseUri, $"wx/{page}/{id}?t={token}").ToString();

    /// <summary>The waiting browser as the scanner sees it: its browser, IP address, and when it asked (or <paramref name="at"/>).</summary>
    public LoginFacts FactsOf(QrSession session, DateTimeOffset? at = null) =>
        new(UserAgentSummary.Of(session.UserAgent), session.CreatorIp, clock.ForWechat(at ?? session.CreatedAt));

    /// <summary>
    /// The session behind a phone link (confirm or agree, by <paramref name="status"/>), if the
    /// link's token is the right one and still unused; with the account a login would enter.
    /// </summary>
    public async Task<(QrSession Session, User? Account)?> FindOnPhoneAsync(string id, string? token, string status, CancellationToken cancellationToken)
    {
        var session = await sessions.GetAsync(id, cancellationToken);
        if (session is not { ConfirmHash: { } hash } || session.Status != status || session.ExpiresAt <= time.GetUtcNow() || !BrowserKey.Matches(token, hash))
        {
            return null;
        }
        User? account = null;
        if (session.UserId is { } userId)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            account = await UserStore.FindByIdAsync(connection, null, userId, cancellationToken);
        }
        return (session, account);
    }

    /// <summary>确认登录 or 取消 on the phone; false when the link is wrong, used or too late.</summary>
    public Task<bool> AnswerAsync(string id, string? token, bool confirm, CancellationToken cancellationToken) =>
        AnswerOnPhoneAsync(id, token, QrSessionStatus.AwaitingConfirmation,
            confirm ? QrSessionStatus.Completed : QrSessionStatus.Cancelled, confirm ? null : "cancelled_on_phone", cancellationToken);

    /// <summary>同意绑定 or 取消 on the phone: agreeing sends the waiting browser to bind-complete.</summary>
    public Task<bool> AgreeAsync(string id, string? token, bool agree, CancellationToken cancellationToken) =>
        AnswerOnPhoneAsync(id, token, QrSessionStatus.AwaitingAgreement,
            agree ? QrSessionStatus.NeedsAccount : QrSessionStatus.Cancelled, agree ? null : "declined_on_phone", cancellationToken);

    private async Task<bool> AnswerOnPhoneAsync(string id, string? token, string from, string to, string? message, CancellationToken cancellationToken)
    {
        if (token is null || await FindOnPhoneAsync(id, token, from, cancellationToken) is null)
        {
            return false;
        }
        var answered = await sessions.AnswerOnPhoneAsync(id, from, BrowserKey.Hash(token), to, message, time.GetUtcNow(), cancellationToken);
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
        User? user;
        await using (var connection = await database.OpenForWriteAsync(cancellationToken))
        {
            await bindings.AppendLedgerAsync(connection, null, LedgerAction.QrLogin, userId, wechat.Value.AppId, openId, "scan", cancellationToken);
            user = await UserStore.FindByIdAsync(connection, null, userId, cancellationToken);
        }
        LogQrLogin(logger, userId);
        if (user is not null)
        {
            await TellAsync(openId, BindingMessages.QrLogin(user, FactsOf(session, time.GetUtcNow())), cancellationToken);
        }
        return user;
    }

    /// <summary>bind-complete: the session of this browser that waits for an account, if any.</summary>
    public async Task<QrSession?> FindNeedingAccountAsync(string? id, string? browserSecret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }
        var session = await sessions.GetAsync(id, cancellationToken);
        // Expired but not yet marked so (nobody has looked at it since): as good as expired.
        return session is { Purpose: QrSessionPurpose.Login, Status: QrSessionStatus.NeedsAccount, OpenId: not null }
            && session.ExpiresAt > time.GetUtcNow()
            && BrowserKey.Matches(browserSecret, session.BrowserHash) ? session : null;
    }

    /// <summary>
    /// bind-complete takes the session for one login or registration at a time, before any account
    /// is checked or created: a second, parallel submission is turned away with nothing made.
    /// Null when another submission holds it.
    /// </summary>
    public async Task<string?> ClaimAsync(QrSession session, CancellationToken cancellationToken)
    {
        var claimId = BrowserKey.NewId();
        var now = time.GetUtcNow();
        return await sessions.ClaimAsync(session.Id, claimId, now, now - ClaimLifetime, cancellationToken) ? claimId : null;
    }

    public Task ReleaseAsync(QrSession session, string claimId, CancellationToken cancellationToken) =>
        sessions.ReleaseClaimAsync(session.Id, claimId, cancellationToken);

    /// <summary>
    /// bind-complete: binds the scanner's openid to the account just logged into or registered and
    /// completes the session (already exchanged: the page signs the user in itself), in one
    /// transaction with the claim. Anything short of a binding commits nothing, except the record
    /// of a conflict for an account that existed before (<paramref name="newAccount"/> false).
    /// </summary>
    public async Task<BindOutcome> CompleteClaimedAsync(QrSession session, string claimId, User user, bool newAccount, CancellationToken cancellationToken)
    {
        BindResult result;
        try
        {
            result = await CompleteOnceAsync(session, claimId, user, newAccount, cancellationToken);
        }
        catch (DbException ex) when (BindingStore.IsUniqueViolation(ex))
        {
            // The openid or the account was bound elsewhere at the same moment: asked again, the
            // rules now see that binding and answer with a conflict.
            result = await CompleteOnceAsync(session, claimId, user, newAccount, cancellationToken);
        }
        if (result is BindResult.Bound or BindResult.AlreadyBound)
        {
            await notifier.PublishAsync(session.Id, cancellationToken);
            LogQrLogin(logger, user.Id);
            await TellAsync(session.OpenId!, BindingMessages.BoundByQrLogin(user, FactsOf(session, time.GetUtcNow())), cancellationToken);
        }
        return new BindOutcome(result, user);
    }

    private async Task<BindResult> CompleteOnceAsync(QrSession session, string claimId, User user, bool newAccount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        var result = await binding.ApplyRulesAsync(connection, transaction, user, session.OpenId!, "qr-login", cancellationToken);
        if (result is BindResult.Bound or BindResult.AlreadyBound)
        {
            if (!await QrSessionStore.CompleteClaimedAsync(connection, transaction, session.Id, claimId, now, cancellationToken))
            {
                // The claim ran out and the session moved on (expired, or completed by another): nothing binds.
                return BindResult.AlreadyUsed;
            }
            await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.QrLogin, user.Id, wechat.Value.AppId, session.OpenId!, "bind-complete", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        else if (!newAccount)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return result;
    }

    /// <summary>A customer-service message; best effort (WeChat refuses it outside its 48-hour window).</summary>
    private async Task TellAsync(string openId, string text, CancellationToken cancellationToken)
    {
        try
        {
            await wechatApi.SendCustomTextAsync(openId, text, cancellationToken);
        }
        catch (Exception e) when (e is WechatApiException or HttpRequestException or TaskCanceledException)
        {
            LogNotifyFailed(logger, e);
        }
    }

    [LoggerMessage(5001, LogLevel.Information, "User {UserId} logged in by QR")]
    private static partial void LogQrLogin(ILogger logger, string userId);

    [LoggerMessage(5002, LogLevel.Information, "Could not tell the WeChat user about the QR login")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);
}
