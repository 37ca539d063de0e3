using System.ComponentModel.DataAnnotations;

namespace WxBind.QrSessions;

/// <summary>QR sessions (<c>WxBind:QrSessions</c>); the QR lifetime itself is <c>Wechat:QrExpireSeconds</c>.</summary>
public sealed class QrSessionOptions
{
    public const string Section = "WxBind:QrSessions";

    /// <summary>Sessions a client address may create per minute.</summary>
    [Range(1, 10_000)]
    public int CreatePermitsPerMinute { get; set; } = 20;

    /// <summary>How often overdue sessions are marked expired and old ones deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an ended session is kept before it is deleted.</summary>
    public TimeSpan RetainEnded { get; set; } = TimeSpan.FromDays(1);
}
