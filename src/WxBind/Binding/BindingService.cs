using System.Data.Common;
using Microsoft.Extensions.Options;
using WxBind.QrSessions;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Binding;

/// <summary>
/// The binding rules (DESIGN §1 F1): one website account ↔ one openid per Official Account,
/// conflicts answered and never overwritten, every change in the ledger, and committed before
/// anyone is told about it.
/// </summary>
internal sealed partial class BindingService(
    Database database,
    BindingStore bindings,
    IQrSessionNotifier notifier,
    WechatApiClient wechatApi,
    IOptions<WechatOptions> wechat,
    TimeProvider time,
    ILogger<BindingService> logger)
{
    private string AppId => wechat.Value.AppId;

    public Task<WechatBinding?> FindByUserAsync(string userId, CancellationToken cancellationToken = default) =>
        bindings.FindByUserAsync(userId, AppId, cancellationToken);

    public Task<WechatBinding?> FindByOpenIdAsync(string openId, CancellationToken cancellationToken = default) =>
        bindings.FindByOpenIdAsync(AppId, openId, cancellationToken);

    /// <summary>A scan of a bind QR: binds the session's user to the scanner, or says why not.</summary>
    public async Task<BindOutcome> BindByScanAsync(string sceneStr, string openId, CancellationToken cancellationToken)
    {
        try
        {
            return await BindByScanOnceAsync(sceneStr, openId, await ReadScanAsync(sceneStr, openId, cancellationToken), cancellationToken);
        }
        catch (DbException ex) when (BindingStore.IsUniqueViolation(ex))
        {
            // A concurrent binding of the same openid or account came first: asked again, and
            // decided inside the write, the rules see it and answer with a conflict.
            return await BindByScanOnceAsync(sceneStr, openId, seen: null, cancellationToken);
        }
    }

    private async Task<BindOutcome> BindByScanOnceAsync(string sceneStr, string openId, ScanSight? seen, CancellationToken cancellationToken)
    {
        // One unit of a group commit: the scan's writes commit with the writes queued meanwhile.
        var (outcome, changedSession) = await database.WriteAsync(async (unit, token) =>
            seen is not null && await BindAsSeenAsync(unit, seen, openId, token) is { } bound
                ? (bound, seen.Session.Id)
                : await BindInUnitAsync(unit, sceneStr, openId, token), cancellationToken);
        if (changedSession is not null)
        {
            await notifier.PublishAsync(changedSession, cancellationToken);
        }
        return outcome;
    }

    /// <summary>
    /// The scan as read beside the shared writer: the session and its account, when the session
    /// waits for a scan and neither the account nor the WeChat user is bound yet (the usual scan).
    /// Null for anything else, which the write then decides on its own.
    /// </summary>
    private async Task<ScanSight?> ReadScanAsync(string sceneStr, string openId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var session = await QrSessionStore.GetBySceneAsync(connection, null, sceneStr, cancellationToken);
        if (session is not { Purpose: QrSessionPurpose.Bind, UserId: { } userId } || session.IsFinal || session.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }
        var user = await UserStore.FindByIdAsync(connection, null, userId, cancellationToken);
        if (user is null
            || await BindingStore.FindByOpenIdAsync(connection, null, AppId, openId, cancellationToken) is not null
            || await BindingStore.FindByUserAsync(connection, null, user.Id, AppId, cancellationToken) is not null)
        {
            return null;
        }
        return new ScanSight(session, user);
    }

    /// <summary>
    /// The usual scan, with only its writes in the shared writer: the session completes if it is
    /// still where it was read, and the binding is made. Null when the session moved meanwhile.
    /// A binding made since the read breaks a unique index: the unit is undone and the scan asked again.
    /// </summary>
    private async Task<BindOutcome?> BindAsSeenAsync(WriteUnit unit, ScanSight seen, string openId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (seen.Session.ExpiresAt <= now
            || !await QrSessionStore.TransitionAsync(unit.Connection, unit.Transaction, seen.Session.Id, seen.Session.Status,
                QrSessionStatus.Completed, now, openId, cancellationToken: cancellationToken))
        {
            return null;
        }
        await BindAsync(unit.Connection, unit.Transaction, seen.User, openId, "qr", cancellationToken);
        return new BindOutcome(BindResult.Bound, seen.User);
    }

    /// <summary>Any scan, decided from what the writer sees: binds, or says why not.</summary>
    private async Task<(BindOutcome Outcome, string? ChangedSession)> BindInUnitAsync(WriteUnit unit, string sceneStr, string openId, CancellationToken token)
    {
        var (connection, transaction) = (unit.Connection, unit.Transaction);
        var now = time.GetUtcNow();
        var session = await QrSessionStore.GetBySceneAsync(connection, transaction, sceneStr, token);
        if (session is null || session.Purpose != QrSessionPurpose.Bind || session.UserId is null)
        {
            await unit.UndoAsync(token); // nothing changed: the push leaves no record either
            return (new BindOutcome(BindResult.UnknownCode), null);
        }
        if (session.IsFinal)
        {
            await unit.UndoAsync(token);
            return (new BindOutcome(session.Status == QrSessionStatus.Expired ? BindResult.Expired : BindResult.AlreadyUsed), null);
        }
        if (session.ExpiresAt <= now)
        {
            await QrSessionStore.TransitionAsync(connection, transaction, session.Id, session.Status, QrSessionStatus.Expired, now, cancellationToken: token);
            return (new BindOutcome(BindResult.Expired), session.Id);
        }
        var user = await UserStore.FindByIdAsync(connection, transaction, session.UserId, token);
        if (user is null)
        {
            await unit.UndoAsync(token);
            return (new BindOutcome(BindResult.UnknownCode), null);
        }
        var result = await ApplyRulesAsync(connection, transaction, user, openId, "qr", token);
        var conflict = result is BindResult.OpenIdTaken or BindResult.AccountTaken;
        await QrSessionStore.TransitionAsync(connection, transaction, session.Id, session.Status,
            conflict ? QrSessionStatus.Conflict : QrSessionStatus.Completed, now, openId,
            result switch { BindResult.OpenIdTaken => "openid_taken", BindResult.AccountTaken => "account_taken", _ => null }, token);
        return (new BindOutcome(result, user), session.Id);
    }

    private sealed record ScanSight(QrSession Session, User User);

    /// <summary>
    /// Binds a known openid to an account directly (QR login's bind-complete, the in-WeChat login
    /// page): the same rules and ledger as a scan, with no QR session.
    /// </summary>
    public async Task<BindOutcome> BindOpenIdAsync(string userId, string openId, string via, CancellationToken cancellationToken)
    {
        try
        {
            return await BindOnceAsync(userId, openId, via, cancellationToken);
        }
        catch (DbException ex) when (BindingStore.IsUniqueViolation(ex))
        {
            return await BindOnceAsync(userId, openId, via, cancellationToken);
        }
    }

    private async Task<BindOutcome> BindOnceAsync(string userId, string openId, string via, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        var user = await UserStore.FindByIdAsync(connection, transaction, userId, cancellationToken);
        if (user is null)
        {
            return new BindOutcome(BindResult.UnknownCode);
        }
        var result = await ApplyRulesAsync(connection, transaction, user, openId, via, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BindOutcome(result, user);
    }

    /// <summary>
    /// The binding rules inside the caller's transaction: bind, or report an existing binding or a
    /// conflict (recorded in the ledger). Nothing is ever overwritten.
    /// </summary>
    public async Task<BindResult> ApplyRulesAsync(DbConnection connection, DbTransaction transaction, User user, string openId, string via, CancellationToken cancellationToken)
    {
        var byOpenId = await BindingStore.FindByOpenIdAsync(connection, transaction, AppId, openId, cancellationToken);
        if (byOpenId is not null && byOpenId.UserId == user.Id)
        {
            return BindResult.AlreadyBound;
        }
        var byUser = await BindingStore.FindByUserAsync(connection, transaction, user.Id, AppId, cancellationToken);
        if (byOpenId is not null || byUser is not null)
        {
            var conflict = byOpenId is not null ? BindResult.OpenIdTaken : BindResult.AccountTaken;
            await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.Conflict, user.Id, AppId, openId, $"{via}:{conflict}", cancellationToken);
            LogConflict(logger, user.Id, conflict);
            return conflict;
        }
        await BindAsync(connection, transaction, user, openId, via, cancellationToken);
        return BindResult.Bound;
    }

    private async Task BindAsync(DbConnection connection, DbTransaction transaction, User user, string openId, string via, CancellationToken cancellationToken)
    {
        await BindingStore.InsertAsync(connection, transaction, new WechatBinding
        {
            UserId = user.Id, AppId = AppId, OpenId = openId, Subscribed = true, BoundAt = time.GetUtcNow(),
        }, cancellationToken);
        await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.Bound, user.Id, AppId, openId, via, cancellationToken);
        LogBound(logger, user.Id);
    }

    /// <summary>Removes the account's binding (website Unbind, or 解绑 in WeChat); null when there was none.</summary>
    public async Task<WechatBinding?> UnbindUserAsync(string userId, string via, CancellationToken cancellationToken) =>
        await UnbindAsync(c => BindingStore.FindByUserAsync(c.Connection, c.Transaction, userId, AppId, cancellationToken), via, cancellationToken);

    public async Task<WechatBinding?> UnbindOpenIdAsync(string openId, string via, CancellationToken cancellationToken) =>
        await UnbindAsync(c => BindingStore.FindByOpenIdAsync(c.Connection, c.Transaction, AppId, openId, cancellationToken), via, cancellationToken);

    private async Task<WechatBinding?> UnbindAsync(Func<(DbConnection Connection, DbTransaction Transaction), Task<WechatBinding?>> find, string via, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        var binding = await find((connection, transaction));
        if (binding is null || !await BindingStore.DeleteAsync(connection, transaction, binding, cancellationToken))
        {
            return null;
        }
        await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.Unbound, binding.UserId, binding.AppId, binding.OpenId, via, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogUnbound(logger, binding.UserId, via);
        return binding;
    }

    /// <summary>
    /// The website's Unbind: removes the binding, then tells the WeChat user with a
    /// customer-service message. That message is best effort — WeChat refuses it outside the
    /// 48-hour window (45015) — and never undoes the unbinding.
    /// </summary>
    public async Task<WechatBinding?> UnbindFromWebsiteAsync(string userId, CancellationToken cancellationToken)
    {
        var binding = await UnbindUserAsync(userId, "website", cancellationToken);
        if (binding is not null)
        {
            try
            {
                await wechatApi.SendCustomTextAsync(binding.OpenId, BindingMessages.UnboundFromWebsite, cancellationToken);
            }
            catch (Exception ex) when (ex is WechatApiException or HttpRequestException or TaskCanceledException)
            {
                LogNotifyFailed(logger, ex);
            }
        }
        return binding;
    }

    /// <summary>Follow state from <c>subscribe</c>/<c>unsubscribe</c>; the binding is kept.</summary>
    public async Task<WechatBinding?> SetSubscribedAsync(string openId, bool subscribed, CancellationToken cancellationToken)
    {
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using var _ = connection;
        await using var __ = transaction;
        var binding = await BindingStore.FindByOpenIdAsync(connection, transaction, AppId, openId, cancellationToken);
        if (binding is null)
        {
            return null;
        }
        if (binding.Subscribed != subscribed)
        {
            await BindingStore.SetSubscribedAsync(connection, transaction, AppId, openId, subscribed, cancellationToken);
            await bindings.AppendLedgerAsync(connection, transaction,
                subscribed ? LedgerAction.Resubscribed : LedgerAction.Unsubscribed, binding.UserId, AppId, openId, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            binding.Subscribed = subscribed;
        }
        return binding;
    }

    [LoggerMessage(4001, LogLevel.Information, "Bound user {UserId} to a WeChat user")]
    private static partial void LogBound(ILogger logger, string userId);

    [LoggerMessage(4002, LogLevel.Information, "Binding conflict for user {UserId}: {Result}")]
    private static partial void LogConflict(ILogger logger, string userId, BindResult result);

    [LoggerMessage(4004, LogLevel.Information, "Could not tell the WeChat user about the unbinding")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(4003, LogLevel.Information, "Unbound user {UserId} via {Via}")]
    private static partial void LogUnbound(ILogger logger, string userId, string via);
}

internal enum BindResult
{
    Bound,
    AlreadyBound,
    OpenIdTaken,
    AccountTaken,
    AlreadyUsed,
    Expired,
    UnknownCode,
}

internal sealed record BindOutcome(BindResult Result, User? User = null);
