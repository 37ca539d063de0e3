namespace WxBind.Accounts;

/// <summary>Development only: mails are kept in memory and listed at <c>/dev/outbox</c> instead of being sent.</summary>
internal sealed class DevOutbox : IMailSender
{
    private const int Keep = 50;
    private readonly LinkedList<OutgoingMail> _mails = new();
    private readonly Lock _lock = new();

    public ValueTask SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _mails.AddFirst(mail);
            if (_mails.Count > Keep)
            {
                _mails.RemoveLast();
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<OutgoingMail> Mails
    {
        get
        {
            lock (_lock)
            {
                return [.. _mails];
            }
        }
    }
}
