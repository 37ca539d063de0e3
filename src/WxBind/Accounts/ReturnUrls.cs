using System.Text;

namespace WxBind.Accounts;

/// <summary>
/// Only local paths are followed after login: no open redirect through <c>returnUrl</c>. What is
/// followed is percent-encoded where needed, so any text (Chinese, spaces, quotes) makes a valid
/// <c>Location</c> header instead of a 500.
/// </summary>
internal static class ReturnUrls
{
    public static string Safe(string? returnUrl, string fallback = "/account") =>
        IsLocal(returnUrl) ? Encode(returnUrl!) : fallback;

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url.Length <= 2048
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("://", StringComparison.Ordinal)
        && !url.Contains('\\', StringComparison.Ordinal)
        && !url.Any(char.IsControl);

    // Everything outside printable ASCII, and the few ASCII characters a URL may not carry raw,
    // as UTF-8 percent escapes; existing escapes (%xx) are kept as they are.
    private static string Encode(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f' && !Unsafe(c)))
        {
            return url;
        }
        var encoded = new StringBuilder(url.Length * 2);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7f && !Unsafe((char)rune.Value))
            {
                encoded.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length])
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return encoded.ToString();
    }

    private static bool Unsafe(char c) => c is '"' or '<' or '>' or '`' or '{' or '}' or '|' or '^';
}
