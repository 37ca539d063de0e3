using System.Security.Cryptography;
using System.Text;

namespace WxBind.Emulator.Qrcodes;

/// <summary>
/// The ids of a code: the <c>url</c>'s tail and the <c>ticket</c>. A temporary code's id carries its
/// expiry, and its ticket carries the id, the way WeChat's tickets hold the url and the expiry
/// (wechat-protocol.md §5.1): so a code the store has forgotten after it expired still answers as
/// expired, not as unknown, and the store need not keep expired codes for ever.
/// </summary>
internal static class QrcodeIds
{
    public const int IdLength = 22;

    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string TemporaryMark = "02";
    private const int ExpiryLength = 7; // base 62: up to 3.5 × 10¹² seconds
    private const int TicketBytes = 60;

    /// <summary>Permanent codes: random, never starting like a temporary one.</summary>
    public static string NewPermanentId()
    {
        while (true)
        {
            var id = EmulatorIds.NewAlphaNumeric(IdLength);
            if (!id.StartsWith(TemporaryMark, StringComparison.Ordinal))
            {
                return id;
            }
        }
    }

    /// <summary><c>02</c>, the expiry in Unix seconds (7 base-62 digits), then random letters and digits.</summary>
    public static string NewTemporaryId(DateTimeOffset expiresAt)
    {
        var seconds = expiresAt.ToUnixTimeSeconds();
        var expiry = new char[ExpiryLength];
        for (var i = ExpiryLength - 1; i >= 0; i--)
        {
            expiry[i] = Digits[(int)(seconds % 62)];
            seconds /= 62;
        }

        return TemporaryMark + new string(expiry) + EmulatorIds.NewAlphaNumeric(IdLength - TemporaryMark.Length - ExpiryLength);
    }

    /// <summary>Standard Base64 of the id and random bytes: real tickets contain <c>+ / =</c> and must be URL-encoded.</summary>
    public static string NewTicket(string id)
    {
        var bytes = new byte[TicketBytes];
        Encoding.ASCII.GetBytes(id, bytes);
        RandomNumberGenerator.Fill(bytes.AsSpan(id.Length));
        return "gQ" + Convert.ToBase64String(bytes);
    }

    /// <summary>A ticket, as opposed to a code url or a bare id.</summary>
    public static bool IsTicket(string key) => key.Length > IdLength && key.StartsWith("gQ", StringComparison.Ordinal);

    /// <summary>The id of a ticket, a code url, or a bare id; null when it is none of this emulator's.</summary>
    public static string? IdOf(string key)
    {
        if (IsTicket(key))
        {
            var bytes = new byte[TicketBytes];
            return Convert.TryFromBase64String(key[2..], bytes, out var length) && length == TicketBytes
                ? Encoding.ASCII.GetString(bytes, 0, IdLength)
                : null;
        }

        foreach (var prefix in (ReadOnlySpan<string>)[QrcodeStore.UrlPrefix, "https://weixin.qq.com/q/"])
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                key = key[prefix.Length..];
                break;
            }
        }

        return key.Length == IdLength ? key : null;
    }

    /// <summary>When a temporary code's id says it expires; null for permanent codes and ids not of this form.</summary>
    public static DateTimeOffset? ExpiryOf(string id)
    {
        if (id.Length != IdLength || !id.StartsWith(TemporaryMark, StringComparison.Ordinal))
        {
            return null;
        }

        long seconds = 0;
        foreach (var c in id.AsSpan(TemporaryMark.Length, ExpiryLength))
        {
            var digit = Digits.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }

            seconds = seconds * 62 + digit;
        }

        return seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }
}
