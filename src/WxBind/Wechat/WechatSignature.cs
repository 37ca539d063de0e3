using System.Security.Cryptography;
using System.Text;

namespace WxBind.Wechat;

/// <summary>
/// The push signatures of wechat-protocol.md §1 and §3.3: SHA-1 over the ordinally sorted,
/// concatenated parts, as lowercase hex.
/// </summary>
internal static class WechatSignature
{
    /// <summary><c>signature</c> of the query string: sha1(sort(token, timestamp, nonce)).</summary>
    public static string Compute(string token, string timestamp, string nonce) => Sha1OfSorted([token, timestamp, nonce]);

    /// <summary><c>msg_signature</c>: sha1(sort(token, timestamp, nonce, Encrypt)) over the Base64 text as sent.</summary>
    public static string ComputeMsgSignature(string token, string timestamp, string nonce, string encrypt) =>
        Sha1OfSorted([token, timestamp, nonce, encrypt]);

    /// <summary>Constant-time comparison, so the time taken does not reveal how much of a forgery matched.</summary>
    public static bool Matches(string expected, string? received)
    {
        if (received is null)
        {
            return false;
        }
        // WeChat sends lowercase hex; accept uppercase too, as SDKs that compare case-insensitively do.
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(received.ToLowerInvariant()));
    }

    private static string Sha1OfSorted(string[] parts)
    {
        // Ordinal order, as PHP sort(SORT_STRING) and Java Arrays.sort: culture order differs for mixed case.
        Array.Sort(parts, StringComparer.Ordinal);
        // SHA-1 is what WeChat's protocol prescribes; it is not our choice to make.
#pragma warning disable CA5350
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts)));
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }
}
