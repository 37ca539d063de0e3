using Microsoft.Extensions.Options;
using WxBind.Binding;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.Admin;

/// <summary>
/// An administrator removes a user's binding with a reason: the binding, its ledger entry and the
/// audit entry commit together; then the WeChat user is told (best effort, and recorded as a
/// delivery either way).
/// </summary>
internal sealed partial class AdminUnbindService(
    Database database, BindingStore bindings, AuditLog audit, WechatApiClient wechat, IOptions<WechatOptions> options, ILogger<AdminUnbindService> logger)
{
    public const string Purpose = "admin_unbind";

    /// <summary>The removed binding, or null when the user had none (nothing is recorded then).</summary>
    public async Task<WechatBinding?> UnbindAsync(string userId, string reason, AuditActor actor, CancellationToken cancellationToken)
    {
        var appId = options.Value.AppId;
        WechatBinding? binding;
        var (connection, transaction) = await database.BeginAsync(cancellationToken);
        await using (connection)
        await using (transaction)
        {
            binding = await BindingStore.FindByUserAsync(connection, transaction, userId, appId, cancellationToken);
            if (binding is null || !await BindingStore.DeleteAsync(connection, transaction, binding, cancellationToken))
            {
                return null;
            }
            await bindings.AppendLedgerAsync(connection, transaction, LedgerAction.Unbound, userId, appId, binding.OpenId, $"admin: {reason}", cancellationToken);
            await audit.RecordAsync(connection, transaction, actor, AuditAction.Unbind, userId, $"{Masking.OpenId(binding.OpenId)}: {reason}", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        LogUnbound(logger, userId, actor.UserId);

        try
        {
            await wechat.SendCustomMessageAsync(new MessageCustomSendRequest
            {
                ToUser = binding.OpenId, MsgType = "text", Text = new() { Content = AdminMessages.UnboundByAdministrator }, Purpose = Purpose,
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is WechatApiException or HttpRequestException or TaskCanceledException)
        {
            LogNotifyFailed(logger, ex);
        }
        return binding;
    }

    [LoggerMessage(7001, LogLevel.Information, "Administrator {AdminId} unbound user {UserId}")]
    private static partial void LogUnbound(ILogger logger, string userId, string? adminId);

    [LoggerMessage(7002, LogLevel.Information, "Could not tell the WeChat user about the administrator's unbinding")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);
}
