namespace WxBind.Emulator.Qrcodes;

internal sealed class QrcodeStore(TimeProvider time)
{
    public const string UrlPrefix = "http://weixin.qq.com/q/";

    private readonly Lock _gate = new();
    private readonly List<QrTicket> _tickets = [];

    public QrTicket Create(string actionName, long? sceneId, string? sceneStr, int? expireSeconds)
    {
        lock (_gate)
        {
            // A permanent code for the same scene is the same code; this also keeps the 100,000 cap honest.
            var existing = expireSeconds is null
                ? _tickets.FirstOrDefault(t => t.IsPermanent && t.SceneId == sceneId && t.SceneStr == sceneStr)
                : null;
            if (existing is not null)
            {
                return existing;
            }

            var now = time.GetUtcNow();
            var ticket = new QrTicket(
                EmulatorIds.NewTicket(),
                UrlPrefix + EmulatorIds.NewAlphaNumeric(22),
                actionName,
                sceneId,
                sceneStr,
                now,
                expireSeconds is { } s ? now.AddSeconds(s) : null);
            _tickets.Add(ticket);
            return ticket;
        }
    }

    public int PermanentCount()
    {
        lock (_gate)
        {
            return _tickets.Count(t => t.IsPermanent);
        }
    }

    /// <summary>Finds a code by its ticket, its <c>http://weixin.qq.com/q/…</c> url, or the id at the end of it.</summary>
    public QrTicket? Find(string? ticketOrUrl)
    {
        if (string.IsNullOrWhiteSpace(ticketOrUrl))
        {
            return null;
        }

        var key = ticketOrUrl.Trim();
        lock (_gate)
        {
            return _tickets.FirstOrDefault(t =>
                string.Equals(t.Ticket, key, StringComparison.Ordinal)
                || string.Equals(t.Url, key, StringComparison.Ordinal)
                || string.Equals(t.Url, key.Replace("https://", "http://", StringComparison.OrdinalIgnoreCase), StringComparison.Ordinal)
                || string.Equals(t.Url[UrlPrefix.Length..], key, StringComparison.Ordinal));
        }
    }

    public IReadOnlyList<QrTicket> NewestFirst()
    {
        lock (_gate)
        {
            return [.. Enumerable.Reverse(_tickets)];
        }
    }

    /// <summary>Remembers the latest scan, so the phone can mark a code as used.</summary>
    public void MarkScanned(QrTicket ticket, string nickname)
    {
        lock (_gate)
        {
            var index = _tickets.FindIndex(t => t.Ticket == ticket.Ticket);
            if (index >= 0)
            {
                _tickets[index] = _tickets[index] with { ScannedAt = time.GetUtcNow(), ScannedBy = nickname };
            }
        }
    }

    public bool IsLive(QrTicket ticket) => !ticket.IsExpired(time.GetUtcNow());

    public void Clear()
    {
        lock (_gate)
        {
            _tickets.Clear();
        }
    }
}
