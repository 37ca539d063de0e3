namespace WxBind.QrSessions;

/// <summary>
/// One temporary QR code and what became of it (DESIGN §2). Kept in the database, never in the
/// HTTP session: the scan arrives from WeChat, without the browser's cookies.
/// </summary>
public sealed class QrSession
{
    public string Id { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string Status { get; set; } = QrSessionStatus.Pending;
    public string SceneStr { get; set; } = "";
    /// <summary>SHA-256 of the creating browser's secret cookie: only that browser may read the session.</summary>
    public string BrowserHash { get; set; } = "";
    public string? UserId { get; set; }
    public string? OpenId { get; set; }
    public string? Ticket { get; set; }
    public string? QrUrl { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>The creating browser's IP address, shown to the scanner with its browser and time.</summary>
    public string? CreatorIp { get; set; }
    /// <summary>SHA-256 of the confirm link's token (QR login); cleared once the link is used.</summary>
    public string? ConfirmHash { get; set; }
    /// <summary>When the waiting browser exchanged the completed login for its cookie (once only).</summary>
    public DateTimeOffset? ExchangedAt { get; set; }
    /// <summary>Why it ended, for the waiting page (conflict, cancel…).</summary>
    public string? Message { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    public bool IsFinal => QrSessionStatus.IsFinal(Status);
}

public static class QrSessionPurpose
{
    public const string Bind = "bind";
    public const string Login = "login";
}

public static class QrSessionStatus
{
    public const string Pending = "pending";
    public const string Scanned = "scanned";
    public const string AwaitingConfirmation = "awaiting_confirmation";
    /// <summary>An unbound scanner of a login code is asked on the phone before anything is bound (F2.3).</summary>
    public const string AwaitingAgreement = "awaiting_agreement";
    public const string NeedsAccount = "needs_account";
    public const string Completed = "completed";
    public const string Conflict = "conflict";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string status) => status is Completed or Conflict or Expired or Cancelled;
}
