using Microsoft.Extensions.Options;
using WxBind.QrSessions;
using WxBind.Wechat;

namespace WxBind.Events;

/// <summary>
/// The door screen's rotating check-in codes: QR sessions of purpose <c>checkin</c>, each a fresh
/// temporary WeChat code. The screen swaps in a new one every <c>Events:DoorCodeSeconds</c>; the
/// app accepts a code only until a short grace after that, so a photo sent home soon stops
/// working. WeChat keeps the code itself alive much longer, so such a late scan still reaches the
/// app and gets a clear answer instead of silence.
/// </summary>
internal sealed partial class DoorCodes(
    EventStore store,
    QrSessionStore sessions,
    WechatApiClient wechat,
    IOptions<EventsOptions> options,
    TimeProvider time,
    ILogger<DoorCodes> logger)
{
    public const string Purpose = "checkin";
    public const string ScenePrefix = "c_";

    // How long WeChat keeps a door code scannable (one day): long enough for "this code has expired".
    private const int WechatLifetimeSeconds = 86_400;

    public async Task<IssuedDoorCode> IssueAsync(OfflineEvent item, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rotateAt = now.AddSeconds(options.Value.DoorCodeSeconds);
        var acceptUntil = rotateAt.AddSeconds(options.Value.DoorCodeGraceSeconds);
        var scene = ScenePrefix + BrowserKey.NewId(18);
        var qrcode = await wechat.CreateQrcodeAsync(QrcodeCreateRequest.ForStrScene(scene, WechatLifetimeSeconds), cancellationToken);
        var session = new QrSession
        {
            Id = BrowserKey.NewId(),
            Purpose = Purpose,
            Status = QrSessionStatus.Pending,
            SceneStr = scene,
            // Shown by the door page only: no browser holds a key to read it through the QR session API.
            BrowserHash = BrowserKey.Hash(BrowserKey.NewId(32)),
            Ticket = qrcode.Ticket,
            QrUrl = qrcode.Url,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = acceptUntil,
        };
        await sessions.InsertAsync(session, cancellationToken);
        await store.InsertDoorCodeAsync(scene, item.Id, session.Id, now, acceptUntil, cancellationToken);
        LogIssued(logger, item.Id);
        return new IssuedDoorCode(scene, qrcode.Url, rotateAt, acceptUntil);
    }

    /// <summary>The WeChat url of a door code of this event that is still accepted, to draw it; null otherwise.</summary>
    public async Task<string?> LiveUrlAsync(string eventId, string scene, CancellationToken cancellationToken)
    {
        var code = await store.FindDoorCodeAsync(scene, cancellationToken);
        if (code is null || code.EventId != eventId || code.AcceptUntil <= time.GetUtcNow())
        {
            return null;
        }
        return (await sessions.GetAsync(code.SessionId, cancellationToken))?.QrUrl;
    }

    [LoggerMessage(11010, LogLevel.Debug, "Issued a door code for event {EventId}")]
    private static partial void LogIssued(ILogger logger, string eventId);
}

internal sealed record IssuedDoorCode(string Scene, string QrUrl, DateTimeOffset RotateAt, DateTimeOffset AcceptUntil);
