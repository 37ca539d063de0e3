using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace WxBind.QrSessions;

/// <summary>
/// A random secret in an HttpOnly cookie that identifies one browser. A QR session stores only its
/// hash, and is shown to no other browser: not to another user, and not to someone who learned
/// the session id. The cookie holds the secret data-protected: only a value the server issued is
/// accepted, so nobody can plant a secret of their choosing in a victim's browser (fixation).
/// </summary>
internal static class BrowserKey
{
    public const string CookieName = "wxbind.browser";

    private const string Purpose = "WxBind.BrowserKey";

    public static string GetOrCreate(HttpContext context)
    {
        if (Find(context) is { } existing)
        {
            return existing;
        }
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, Protector(context).Protect(secret), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
        return secret;
    }

    /// <summary>The browser's secret, or null when it has none the server issued.</summary>
    public static string? Find(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || value.Length is 0 or > 512)
        {
            return null;
        }
        try
        {
            var secret = Protector(context).Unprotect(value);
            return secret.Length == 43 ? secret : null;
        }
        catch (CryptographicException)
        {
            return null; // forged, altered, or from another site's keys
        }
    }

    private static IDataProtector Protector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time: whether <paramref name="secret"/> is the one behind <paramref name="hash"/>.</summary>
    public static bool Matches(string? secret, string hash) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));

    /// <summary>Unguessable identifiers: 128 bits or more, URL-safe.</summary>
    public static string NewId(int bytes = 16) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
