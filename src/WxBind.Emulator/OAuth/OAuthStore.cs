namespace WxBind.Emulator.OAuth;

/// <summary>
/// OAuth codes and user-level tokens (wechat-protocol.md §8, §11.14). A code is consumed by its
/// first exchange attempt even when that attempt fails, which is why clients must never retry one.
/// </summary>
internal sealed class OAuthStore(TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(7200);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, CodeEntry> _codes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedCodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SnsToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SnsToken> _refreshTokens = new(StringComparer.Ordinal);

    public string IssueCode(string appId, string openId, string scope)
    {
        lock (_gate)
        {
            var code = EmulatorIds.NewCode();
            _codes[code] = new CodeEntry(appId, openId, scope, time.GetUtcNow() + CodeLifetime);
            return code;
        }
    }

    /// <summary>Consumes the code. 0 with the grant, 40163 reused, 40029 unknown/expired/foreign.</summary>
    public (int ErrCode, CodeEntry? Grant) ConsumeCode(string code, string appId)
    {
        lock (_gate)
        {
            if (_usedCodes.Contains(code))
            {
                return (40163, null);
            }

            if (!_codes.Remove(code, out var entry))
            {
                return (40029, null);
            }

            _usedCodes.Add(code);
            if (entry.ExpiresAt <= time.GetUtcNow() || !string.Equals(entry.AppId, appId, StringComparison.Ordinal))
            {
                return (40029, null);
            }

            return (0, entry);
        }
    }

    public SnsGrant IssueTokens(string openId, string scope)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var access = new SnsToken(EmulatorIds.NewAccessToken(), openId, scope, now + AccessTokenLifetime);
            var refresh = new SnsToken(EmulatorIds.NewAccessToken(), openId, scope, now + RefreshTokenLifetime);
            _accessTokens[access.Value] = access;
            _refreshTokens[refresh.Value] = refresh;
            return new SnsGrant(access, refresh);
        }
    }

    /// <summary>0 with a fresh access token for the same refresh_token, else 40030 / 42002.</summary>
    public (int ErrCode, SnsGrant? Grant) Refresh(string refreshToken)
    {
        lock (_gate)
        {
            if (!_refreshTokens.TryGetValue(refreshToken, out var refresh))
            {
                return (40030, null);
            }

            var now = time.GetUtcNow();
            if (refresh.ExpiresAt <= now)
            {
                return (42002, null);
            }

            var access = new SnsToken(EmulatorIds.NewAccessToken(), refresh.OpenId, refresh.Scope, now + AccessTokenLifetime);
            _accessTokens[access.Value] = access;
            return (0, new SnsGrant(access, refresh));
        }
    }

    /// <summary>0 with the token, else 41001 / 40001 / 42001.</summary>
    public (int ErrCode, SnsToken? Token) CheckAccessToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (41001, null);
        }

        lock (_gate)
        {
            if (!_accessTokens.TryGetValue(token, out var entry))
            {
                return (40001, null);
            }

            return entry.ExpiresAt <= time.GetUtcNow() ? (42001, null) : (0, entry);
        }
    }

    public int RemainingSeconds(SnsToken token) =>
        (int)Math.Max(0, Math.Floor((token.ExpiresAt - time.GetUtcNow()).TotalSeconds));
}

internal sealed record CodeEntry(string AppId, string OpenId, string Scope, DateTimeOffset ExpiresAt);

internal sealed record SnsToken(string Value, string OpenId, string Scope, DateTimeOffset ExpiresAt);

internal sealed record SnsGrant(SnsToken AccessToken, SnsToken RefreshToken);
