using Dapper;
using Microsoft.Extensions.Options;
using WxBind.Storage;

namespace WxBind.Wechat;

/// <summary>
/// Records every customer-service and template send (<c>wechat_deliveries</c>) with WeChat's
/// answer, so the administrator sees refusals (43004 not following, 45015 outside the window,
/// 45009 quota…) and transport failures. <see cref="WechatApiClient"/> writes it for every send,
/// so no caller can forget. A failure to record is logged and never fails the send.
/// </summary>
/// <remarks>
/// It takes SQLite's write turn: send WeChat messages after committing, never while holding a
/// write connection (a network call inside a transaction is a mistake anyway).
/// </remarks>
internal sealed partial class WechatDeliveryLog(Database database, IOptions<WechatOptions> options, TimeProvider time, ILogger<WechatDeliveryLog> logger)
{
    private const int MaxErrMsgLength = 200;

    public async Task RecordAsync(WechatDelivery delivery)
    {
        try
        {
            // The delivery is recorded even when the caller has given up waiting.
            await using var connection = await database.OpenForWriteAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                """
                INSERT INTO wechat_deliveries (kind, openid, user_id, purpose, template_id, errcode, errmsg, outcome, at)
                VALUES (@Kind, @OpenId, (SELECT user_id FROM wechat_bindings WHERE app_id = @appId AND openid = @OpenId),
                        @Purpose, @TemplateId, @ErrCode, @errMsg, @Outcome, @at)
                """,
                new
                {
                    delivery.Kind, delivery.OpenId, appId = options.Value.AppId, delivery.Purpose, delivery.TemplateId, delivery.ErrCode,
                    errMsg = delivery.ErrMsg is { Length: > MaxErrMsgLength } text ? text[..MaxErrMsgLength] : delivery.ErrMsg,
                    delivery.Outcome, at = time.GetUtcNow(),
                });
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            LogRecordFailed(logger, delivery.Kind, delivery.Outcome, ex);
        }
    }

    [LoggerMessage(2110, LogLevel.Warning, "Could not record a WeChat {Kind} send ({Outcome})")]
    private static partial void LogRecordFailed(ILogger logger, string kind, string outcome, Exception exception);
}

/// <summary>One send and WeChat's answer.</summary>
internal sealed record WechatDelivery(string Kind, string OpenId, string? Purpose, string? TemplateId, int ErrCode, string? ErrMsg, string Outcome);

/// <summary>The values of <c>wechat_deliveries.kind</c> and <c>.outcome</c>.</summary>
internal static class WechatDeliveryKind
{
    public const string Custom = "custom";
    public const string Template = "template";

    /// <summary>WeChat accepted it (errcode 0).</summary>
    public const string Sent = "sent";

    /// <summary>WeChat answered with a non-zero errcode.</summary>
    public const string Refused = "refused";

    /// <summary>No answer from WeChat: network error, timeout, a non-200 status.</summary>
    public const string Failed = "failed";
}
