using System.Security.Cryptography;

namespace WxBind.Emulator;

/// <summary>Random identifiers shaped like WeChat's.</summary>
internal static class EmulatorIds
{
    private const string UrlSafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string AlphaNumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>28 characters starting with <c>o</c>, like <c>oyORnuP8q7ou2gfYjqLzSIWZf0rs</c>.</summary>
    public static string NewOpenId() => "o" + RandomNumberGenerator.GetString(UrlSafe, 27);

    /// <summary>A host-name label for a simulated phone's browser: lower-case letters and digits.</summary>
    public static string NewDeviceId() => "d" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 15);

    /// <summary>Long opaque token; WeChat asks clients to reserve 512 characters.</summary>
    public static string NewAccessToken() => RandomNumberGenerator.GetString(UrlSafe, 136);

    public static string NewCode() => RandomNumberGenerator.GetString(AlphaNumeric, 32);

    public static string NewAlphaNumeric(int length) => RandomNumberGenerator.GetString(AlphaNumeric, length);

    public static string NewDigits(int length) => RandomNumberGenerator.GetString("0123456789", length);
}
