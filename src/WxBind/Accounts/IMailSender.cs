namespace WxBind.Accounts;

/// <summary>Hands an e-mail over for delivery: the Development outbox, or SMTP.</summary>
internal interface IMailSender
{
    /// <summary>Returns at once; delivery does not make the caller wait (so it cannot be timed).</summary>
    ValueTask SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
