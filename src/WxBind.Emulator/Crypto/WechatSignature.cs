using System.Security.Cryptography;
using System.Text;

namespace WxBind.Emulator.Crypto;

/// <summary>
/// <c>signature</c> and <c>msg_signature</c> (wechat-protocol.md §1, §3.3): SHA-1 over the
/// ordinal-sorted, concatenated strings, lowercase hex.
/// </summary>
internal static class WechatSignature
{
    public static string Compute(params string[] parts)
    {
        var sorted = (string[])parts.Clone();
        // Ordinal, never culture order: mixed-case tokens sort differently otherwise.
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what WeChat's protocol mandates.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    public static bool Verify(string? signature, params string[] parts)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(parts));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
