using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using WxBind.Accounts;
using WxBind.QrSessions;

namespace WxBind.WechatWeb;

/// <summary>
/// Signed <c>/wx/login</c> links (DESIGN §1 F3.2): <c>openid</c>, <c>ts</c>, <c>nonce</c> and the
/// optional <c>return</c> path, with <c>sig</c> = HMAC-SHA256 over all of them under a server
/// secret. A link is accepted once, within <see cref="WechatWebOptions.LinkLifetime"/>.
/// </summary>
internal sealed partial class SignedLinks(
    IOptions<WechatWebOptions> options,
    IOptions<WxBindOptions> site,
    ServerSecretStore secrets,
    LinkNonceStore nonces,
    TimeProvider time,
    ILogger<SignedLinks> logger)
{
    public const string Path = "/wx/login";
    private const string SecretName = "wechatweb.link-key";

    // A link opened on a phone whose clock runs a little behind the server's is still fine.
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private byte[]? _key;

    /// <summary>An absolute link for <paramref name="openId"/>; <paramref name="returnPath"/> must be a local path.</summary>
    public async Task<string> CreateAsync(string openId, string? returnPath, CancellationToken cancellationToken)
    {
        if (!IsOpenId(openId))
        {
            throw new ArgumentException("Not an openid.", nameof(openId));
        }
        if (!string.IsNullOrEmpty(returnPath) && !ReturnUrls.IsLocal(returnPath))
        {
            throw new ArgumentException("Only local paths can be returned to.", nameof(returnPath));
        }
        var ts = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = BrowserKey.NewId();
        var query = new Dictionary<string, string?> { ["openid"] = openId, ["ts"] = ts, ["nonce"] = nonce };
        if (!string.IsNullOrEmpty(returnPath))
        {
            query["return"] = returnPath;
        }
        query["sig"] = Sign(await KeyAsync(cancellationToken), openId, ts, nonce, returnPath ?? "");
        return QueryHelpers.AddQueryString(site.Value.PublicBaseUrl.TrimEnd('/') + Path, query);
    }

    /// <summary>
    /// Checks a link's query and spends its nonce: the whole check for callers that need no proof
    /// of who opened the link. Arriving links go through <see cref="LinkProof"/> instead.
    /// </summary>
    public async Task<LinkCheck> VerifyAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(query, cancellationToken);
        return check.Status == LinkStatus.Valid ? await SpendAsync(check, cancellationToken) : check;
    }

    /// <summary>
    /// Checks a link's query — signature (constant time), lifetime, return path, and whether its
    /// nonce was spent already — without spending anything: the link only claims an openid until
    /// the holder proves to be that user.
    /// </summary>
    public async Task<LinkCheck> CheckAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        string openId = query["openid"].ToString(), ts = query["ts"].ToString(), nonce = query["nonce"].ToString(),
            returnPath = query["return"].ToString(), sig = query["sig"].ToString();
        if (!IsOpenId(openId) || nonce.Length is 0 or > 64 || sig.Length == 0
            || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Refuse(LinkStatus.Malformed, openId);
        }
        var expected = Sign(await KeyAsync(cancellationToken), openId, ts, nonce, returnPath);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sig)))
        {
            return Refuse(LinkStatus.BadSignature, openId);
        }
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253_402_300_799));
        var now = time.GetUtcNow();
        if (now - issuedAt > options.Value.LinkLifetime || issuedAt - now > ClockSkew)
        {
            return Refuse(LinkStatus.Expired, openId);
        }
        // The server never signs a foreign return path; refusing one anyway means a leaked key or
        // a bug still cannot turn the login page into an open redirect.
        if (returnPath.Length > 0 && !ReturnUrls.IsLocal(returnPath))
        {
            return Refuse(LinkStatus.BadReturn, openId);
        }
        if (await nonces.IsSpentAsync(nonce, cancellationToken))
        {
            return Refuse(LinkStatus.Reused, openId);
        }
        return new LinkCheck(LinkStatus.Valid, openId, returnPath.Length > 0 ? returnPath : null, nonce, issuedAt + options.Value.LinkLifetime + ClockSkew);
    }

    /// <summary>Spends the nonce of a link that passed <see cref="CheckAsync"/>; <see cref="LinkStatus.Reused"/> when another open spent it first.</summary>
    public async Task<LinkCheck> SpendAsync(LinkCheck check, CancellationToken cancellationToken)
    {
        if (check is not { Status: LinkStatus.Valid, OpenId: { } openId, Nonce: { } nonce })
        {
            throw new ArgumentException("Only a valid link can be spent.", nameof(check));
        }
        if (!await nonces.TryConsumeAsync(nonce, check.SpendBy, cancellationToken))
        {
            return Refuse(LinkStatus.Reused, openId);
        }
        LogAccepted(logger, Binding.Masking.OpenId(openId));
        return check;
    }

    /// <summary>
    /// The signed text: each field length-prefixed, so no choice of values can make two different
    /// links read the same (<c>ab|c</c> vs <c>a|bc</c>).
    /// </summary>
    internal static string Canonical(string openId, string ts, string nonce, string returnPath)
    {
        var text = new StringBuilder("wxbind-link-v1");
        foreach (var field in (ReadOnlySpan<string>)[openId, ts, nonce, returnPath])
        {
            text.Append('\n').Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }
        return text.ToString();
    }

    /// <summary>Lowercase hex HMAC-SHA256 of <see cref="Canonical"/>.</summary>
    internal static string Sign(byte[] key, string openId, string ts, string nonce, string returnPath) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Canonical(openId, ts, nonce, returnPath))));

    /// <summary>WeChat openids are 28 URL-safe characters; allow some room, nothing else.</summary>
    internal static bool IsOpenId(string? value) => value is not null && OpenIdPattern().IsMatch(value);

    internal async ValueTask<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } key)
        {
            return key;
        }
        // Racing first calls are harmless: the store hands every caller the same stored value.
        key = options.Value.LinkSecret is { Length: > 0 } configured
            ? Encoding.UTF8.GetBytes(configured)
            : await secrets.GetOrCreateAsync(SecretName, 32, cancellationToken);
        _key = key;
        return key;
    }

    private LinkCheck Refuse(LinkStatus status, string openId)
    {
        LogRefused(logger, status, Binding.Masking.OpenId(openId));
        return new LinkCheck(status, null, null);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{6,64}$")]
    private static partial Regex OpenIdPattern();

    [LoggerMessage(6004, LogLevel.Information, "Accepted a signed login link for {OpenIdMasked}")]
    private static partial void LogAccepted(ILogger logger, string openIdMasked);

    [LoggerMessage(6001, LogLevel.Warning, "Refused a signed login link for {OpenIdMasked}: {Status}")]
    private static partial void LogRefused(ILogger logger, LinkStatus status, string openIdMasked);
}

internal enum LinkStatus
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
    BadReturn,
    Reused,

    /// <summary>Opened by a WeChat user other than the one the link was sent to.</summary>
    WrongUser,
}

/// <summary>
/// What a link check found: for a valid link, the openid it claims, where to go afterwards, and
/// the nonce that is spent (until <paramref name="SpendBy"/>, when the timestamp check takes over).
/// </summary>
internal sealed record LinkCheck(LinkStatus Status, string? OpenId, string? ReturnPath, string? Nonce = null, DateTimeOffset SpendBy = default);
