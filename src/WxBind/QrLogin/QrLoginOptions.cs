namespace WxBind.QrLogin;

/// <summary>QR login (<c>QrLogin</c>).</summary>
public sealed class QrLoginOptions
{
    public const string Section = "QrLogin";

    /// <summary>
    /// Ask the scanner to confirm on the phone before the waiting browser is logged in (default on):
    /// it defeats relaying a login QR to a victim.
    /// </summary>
    public bool RequireConfirmation { get; set; } = true;
}
