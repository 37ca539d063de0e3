using System.Globalization;

namespace WxBind.Emulator.Qrcodes;

/// <summary>A parametric QR code issued by <c>/cgi-bin/qrcode/create</c> (wechat-protocol.md §5).</summary>
internal sealed record QrTicket(
    string Ticket,
    string Url,
    string ActionName,
    long? SceneId,
    string? SceneStr,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? ScannedAt = null,
    string? ScannedBy = null)
{
    public bool IsPermanent => ExpiresAt is null;

    /// <summary>The scene value as it appears in <c>EventKey</c>.</summary>
    public string Scene => SceneStr ?? SceneId?.ToString(CultureInfo.InvariantCulture) ?? "";

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && now >= expires;
}
