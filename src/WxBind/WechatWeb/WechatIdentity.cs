using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace WxBind.WechatWeb;

/// <summary>
/// The WeChat user this browser proved to be, by a signed link or OAuth: a short-lived, HttpOnly,
/// data-protected cookie. The login and register forms act on this cookie only, so the openid
/// cannot be re-pointed by editing a form field or the URL.
/// </summary>
/// <remarks>
/// The expiry travels inside the protected payload and is checked against the injected
/// <see cref="TimeProvider"/>; a time-limited protector would read the system clock instead.
/// </remarks>
internal sealed class WechatIdentity(IDataProtectionProvider protection, IOptions<WechatWebOptions> options, TimeProvider time)
{
    public const string CookieName = "wxbind.wx";
    public const string OAuthCookieName = "wxbind.wxoauth";

    private readonly IDataProtector _identity = protection.CreateProtector("WxBind.WechatWeb.Identity.v1");
    private readonly IDataProtector _oauth = protection.CreateProtector("WxBind.WechatWeb.OAuthState.v1");

    public void Set(HttpContext http, string openId, string? returnPath) =>
        Write(http, CookieName, "/wx", _identity, new Payload(openId, returnPath, Expiry(options.Value.IdentityLifetime)), options.Value.IdentityLifetime);

    public Payload? Find(HttpContext http) => Read(http, CookieName, _identity);

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/wx" });

    /// <summary>
    /// Remembers the OAuth <c>state</c> for this browser only (anti-CSRF, DESIGN §1 F3.4) and, when
    /// a signed link started the round trip, the openid that link claims (to be proven by it).
    /// </summary>
    public void SetOAuthState(HttpContext http, string state, string? returnPath, LinkClaim? link = null) =>
        Write(http, OAuthCookieName, "/wx/oauth", _oauth, new Payload(state, returnPath, Expiry(options.Value.LinkLifetime), link), options.Value.LinkLifetime);

    /// <summary>Reads and deletes the OAuth state: each one answers one callback.</summary>
    public Payload? TakeOAuthState(HttpContext http)
    {
        var payload = Read(http, OAuthCookieName, _oauth);
        http.Response.Cookies.Delete(OAuthCookieName, new CookieOptions { Path = "/wx/oauth" });
        return payload;
    }

    private long Expiry(TimeSpan lifetime) => (time.GetUtcNow() + lifetime).ToUnixTimeMilliseconds();

    private static void Write(HttpContext http, string name, string path, IDataProtector protector, Payload payload, TimeSpan lifetime) =>
        http.Response.Cookies.Append(name, protector.Protect(JsonSerializer.Serialize(payload)), new CookieOptions
        {
            HttpOnly = true,
            // Lax: sent on the top-level redirect back from WeChat's authorize page, never on cross-site posts.
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            IsEssential = true,
            Path = path,
            MaxAge = lifetime,
        });

    private Payload? Read(HttpContext http, string name, IDataProtector protector)
    {
        if (!http.Request.Cookies.TryGetValue(name, out var value) || value.Length == 0)
        {
            return null;
        }
        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(protector.Unprotect(value));
            return payload is not null && payload.ExpiresAt > time.GetUtcNow().ToUnixTimeMilliseconds() ? payload : null;
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            // Tampered with, from another key ring, or from an older format: as good as absent.
            return null;
        }
    }

    /// <summary><paramref name="Value"/> is the openid (identity) or the state (OAuth).</summary>
    internal sealed record Payload(string Value, string? ReturnPath, long ExpiresAt, LinkClaim? Link = null);

    /// <summary>A checked signed link waiting for its proof: the openid it names and the nonce to spend once proven.</summary>
    internal sealed record LinkClaim(string OpenId, string Nonce, long SpendBy);
}
