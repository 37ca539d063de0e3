using System.Security.Cryptography;
using System.Text;

namespace WxBind.QrSessions;

/// <summary>
/// A random secret in an HttpOnly cookie that identifies one browser. A QR session stores only its
/// hash, and is shown to no other browser: not to another user, and not to someone who learned
/// the session id.
/// </summary>
internal static class BrowserKey
{
    public const string CookieName = "wxbind.browser";

    public static string GetOrCreate(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var existing) && existing.Length == 43)
        {
            return existing;
        }
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(365),
        });
        return secret;
    }

    public static string? Find(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var secret) ? secret : null;

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time: whether <paramref name="secret"/> is the one behind <paramref name="hash"/>.</summary>
    public static bool Matches(string? secret, string hash) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));

    /// <summary>Unguessable identifiers: 128 bits or more, URL-safe.</summary>
    public static string NewId(int bytes = 16) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
