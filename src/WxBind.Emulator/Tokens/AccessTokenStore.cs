namespace WxBind.Emulator.Tokens;

/// <summary>
/// API access_tokens from <c>/cgi-bin/token</c> and <c>/cgi-bin/stable_token</c>, kept apart as
/// WeChat keeps them (wechat-protocol.md §4, §11.8–§11.9); both are accepted by the APIs.
/// </summary>
internal sealed class AccessTokenStore(TimeProvider time, EmulatorFaults faults)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan ForceRefreshSpacing = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenEntry> _tokens = new(StringComparer.Ordinal);
    private TokenEntry? _current;
    private TokenEntry? _stable;
    private DateTimeOffset? _lastForceRefresh;
    private int _tokenFetches;
    private int _stableTokenFetches;

    /// <summary>Successful calls so far: instances sharing one token should fetch it once between them.</summary>
    public TokenFetchCounts Fetches
    {
        get
        {
            lock (_gate)
            {
                return new TokenFetchCounts(_tokenFetches, _stableTokenFetches);
            }
        }
    }

    public IssuedToken Issue()
    {
        lock (_gate)
        {
            _tokenFetches++;
            var now = time.GetUtcNow();
            // Only the immediately previous token keeps the 5-minute grace; older ones die now.
            foreach (var entry in _tokens.Values.Where(e => !e.Stable && e != _current && e.InvalidAt > now))
            {
                entry.GraceUntil = now;
            }

            if (_current is not null)
            {
                _current.GraceUntil = Min(_current.ExpiresAt, now + Overlap);
            }

            _current = Mint(now, stable: false);
            return new IssuedToken(_current.Value, (int)Lifetime.TotalSeconds);
        }
    }

    public IssuedToken IssueStable(bool forceRefresh)
    {
        lock (_gate)
        {
            _stableTokenFetches++;
            var now = time.GetUtcNow();
            var live = _stable is not null && _stable.InvalidAt > now;
            if (forceRefresh && live && _lastForceRefresh is { } last && now - last < ForceRefreshSpacing)
            {
                // Inside the 30 s spacing WeChat "won't refresh": hand back the current token unchanged.
                return new IssuedToken(_stable!.Value, Remaining(_stable, now));
            }

            if (forceRefresh)
            {
                _lastForceRefresh = now;
                if (_stable is not null)
                {
                    _stable.GraceUntil = Min(_stable.InvalidAt, now);
                }

                _stable = Mint(now, stable: true);
            }
            else if (!live || _stable!.ExpiresAt - now < Overlap)
            {
                // The old stable token simply runs out; that is the 5-minute overlap of normal mode.
                _stable = Mint(now, stable: true);
            }

            return new IssuedToken(_stable.Value, Remaining(_stable, now));
        }
    }

    /// <summary>0 when usable, else 41001 missing, 40001 unknown or superseded, 42001 expired.</summary>
    public int Check(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 41001;
        }

        if (faults.TryConsumeForcedInvalidToken())
        {
            return 40001;
        }

        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out var entry))
            {
                return 40001;
            }

            var now = time.GetUtcNow();
            if (now < entry.InvalidAt)
            {
                return 0;
            }

            return entry.GraceUntil is { } grace && grace < entry.ExpiresAt ? 40001 : 42001;
        }
    }

    private TokenEntry Mint(DateTimeOffset now, bool stable)
    {
        var entry = new TokenEntry(EmulatorIds.NewAccessToken(), now + Lifetime, stable);
        _tokens[entry.Value] = entry;
        return entry;
    }

    private static int Remaining(TokenEntry entry, DateTimeOffset now) =>
        (int)Math.Max(0, Math.Floor((entry.ExpiresAt - now).TotalSeconds));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed class TokenEntry(string value, DateTimeOffset expiresAt, bool stable)
    {
        public string Value { get; } = value;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Stable { get; } = stable;

        public DateTimeOffset? GraceUntil { get; set; }

        public DateTimeOffset InvalidAt => GraceUntil is { } g && g < ExpiresAt ? g : ExpiresAt;
    }
}

internal sealed record IssuedToken(string AccessToken, int ExpiresIn);

internal sealed record TokenFetchCounts(int Token, int StableToken);
