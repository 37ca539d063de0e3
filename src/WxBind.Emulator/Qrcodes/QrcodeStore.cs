namespace WxBind.Emulator.Qrcodes;

/// <summary>
/// The codes issued by <c>/cgi-bin/qrcode/create</c>. Like WeChat, it forgets a temporary code once
/// it has expired: after <see cref="ExpiredRetention"/> (so the phone page can still show it as
/// expired for a while), at the next sweep. A forgotten code still answers as expired, from the
/// expiry its id carries (<see cref="QrcodeIds"/>). Permanent codes are kept (at most 100,000).
/// </summary>
internal sealed class QrcodeStore(TimeProvider time)
{
    public const string UrlPrefix = "http://weixin.qq.com/q/";

    /// <summary>How long an expired temporary code stays listed before it is forgotten.</summary>
    public static readonly TimeSpan ExpiredRetention = TimeSpan.FromMinutes(10);

    /// <summary>How often (at most) the store looks for codes to forget; each look is one pass over them.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();

    // By id (the url's tail); the ticket and the url both lead to the id, so one lookup serves all three.
    private readonly Dictionary<string, QrTicket> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<(long?, string?), QrTicket> _permanentByScene = [];
    private readonly List<string> _issued = []; // ids, oldest first, for the listing
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public QrTicket Create(string actionName, long? sceneId, string? sceneStr, int? expireSeconds)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            SweepIfDue(now);
            // A permanent code for the same scene is the same code; this also keeps the 100,000 cap honest.
            if (expireSeconds is null && _permanentByScene.TryGetValue((sceneId, sceneStr), out var existing))
            {
                return existing;
            }

            DateTimeOffset? expiresAt = expireSeconds is { } s ? now.AddSeconds(s) : null;
            var id = expiresAt is { } expiry ? QrcodeIds.NewTemporaryId(expiry) : QrcodeIds.NewPermanentId();
            var ticket = new QrTicket(QrcodeIds.NewTicket(id), UrlPrefix + id, actionName, sceneId, sceneStr, now, expiresAt);
            _byId[id] = ticket;
            _issued.Add(id);
            if (ticket.IsPermanent)
            {
                _permanentByScene[(sceneId, sceneStr)] = ticket;
            }

            return ticket;
        }
    }

    public int PermanentCount()
    {
        lock (_gate)
        {
            return _permanentByScene.Count;
        }
    }

    /// <summary>Finds a code by its ticket, its <c>http://weixin.qq.com/q/…</c> url, or the id at the end of it.</summary>
    public QrTicket? Find(string? ticketOrUrl)
    {
        var key = ticketOrUrl?.Trim();
        if (string.IsNullOrEmpty(key) || QrcodeIds.IdOf(key) is not { } id)
        {
            return null;
        }

        lock (_gate)
        {
            SweepIfDue(time.GetUtcNow());
            // A ticket must match whole: the id it holds is no secret (it is in the url).
            return _byId.TryGetValue(id, out var ticket) && (!QrcodeIds.IsTicket(key) || string.Equals(ticket.Ticket, key, StringComparison.Ordinal))
                ? ticket
                : null;
        }
    }

    /// <summary>True for a temporary code of this emulator that has expired, whether or not the store still holds it.</summary>
    public bool IsExpiredCode(string? ticketOrUrl) =>
        !string.IsNullOrWhiteSpace(ticketOrUrl)
        && QrcodeIds.IdOf(ticketOrUrl.Trim()) is { } id
        && QrcodeIds.ExpiryOf(id) is { } expiresAt
        && time.GetUtcNow() >= expiresAt;

    public IReadOnlyList<QrTicket> NewestFirst()
    {
        lock (_gate)
        {
            SweepIfDue(time.GetUtcNow());
            var newestFirst = new List<QrTicket>(_issued.Count);
            for (var i = _issued.Count - 1; i >= 0; i--)
            {
                newestFirst.Add(_byId[_issued[i]]);
            }

            return newestFirst;
        }
    }

    /// <summary>Remembers the latest scan, so the phone can mark a code as used.</summary>
    public void MarkScanned(QrTicket ticket, string nickname)
    {
        lock (_gate)
        {
            var id = ticket.Url[UrlPrefix.Length..];
            if (_byId.TryGetValue(id, out var current))
            {
                var scanned = current with { ScannedAt = time.GetUtcNow(), ScannedBy = nickname };
                _byId[id] = scanned;
                if (scanned.IsPermanent)
                {
                    _permanentByScene[(scanned.SceneId, scanned.SceneStr)] = scanned;
                }
            }
        }
    }

    public bool IsLive(QrTicket ticket) => !ticket.IsExpired(time.GetUtcNow());

    public void Clear()
    {
        lock (_gate)
        {
            _byId.Clear();
            _permanentByScene.Clear();
            _issued.Clear();
        }
    }

    // Under the lock. One pass at most every SweepInterval keeps the cost per call constant on average.
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        var forgetBefore = now - ExpiredRetention;
        var forgotten = 0;
        foreach (var (id, ticket) in _byId)
        {
            if (ticket.ExpiresAt is { } expires && expires <= forgetBefore)
            {
                _byId.Remove(id); // allowed while enumerating
                forgotten++;
            }
        }

        if (forgotten > 0)
        {
            _issued.RemoveAll(id => !_byId.ContainsKey(id));
        }
    }
}
