using System.ComponentModel.DataAnnotations;

namespace WxBind.QrSessions;

/// <summary>QR sessions (<c>WxBind:QrSessions</c>); the QR lifetime itself is <c>Wechat:QrExpireSeconds</c>.</summary>
public sealed class QrSessionOptions
{
    public const string Section = "WxBind:QrSessions";

    /// <summary>Sessions a client address may create per minute.</summary>
    [Range(1, 10_000)]
    public int CreatePermitsPerMinute { get; set; } = 20;

    /// <summary>
    /// How many times an open page swaps in a fresh code by itself before it lets the code expire
    /// and asks the person to click for a new one (an unattended tab should not mint codes forever).
    /// </summary>
    [Range(0, 1000)]
    public int MaxAutoRefreshes { get; set; } = 5;

    /// <summary>How often overdue sessions are marked expired and old ones deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an ended session is kept before it is deleted: the dashboard's 30-day QR funnel reads them.</summary>
    public TimeSpan RetainEnded { get; set; } = TimeSpan.FromDays(31);
}
