using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WxBind.Wechat;

/// <summary>
/// Safe-mode message encryption exactly as wechat-protocol.md §3.2: AES-256-CBC without library
/// padding, IV = first 16 key bytes, PKCS#7 with block size 32, and the plaintext
/// <c>random(16) ‖ uint32_be(len) ‖ msg ‖ appid</c>.
/// </summary>
internal sealed class WechatMessageCrypto
{
    private const int BlockSize = 32;
    private const int RandomLength = 16;
    private readonly byte[]? _key;
    private readonly byte[] _appId;

    /// <param name="encodingAesKey">The 43-character EncodingAESKey; may be empty in Plain mode.</param>
    public WechatMessageCrypto(string encodingAesKey, string appId)
    {
        _key = string.IsNullOrEmpty(encodingAesKey) ? null : DecodeAesKey(encodingAesKey);
        _appId = Encoding.UTF8.GetBytes(appId);
    }

    /// <summary>
    /// Base64 of the key plus "=". The 43rd character carries 2 unused bits that WeChat's keys do not
    /// zero, so the decode must be lenient; .NET's decoder ignores those bits.
    /// </summary>
    public static byte[] DecodeAesKey(string encodingAesKey)
    {
        var key = Convert.FromBase64String(encodingAesKey + "=");
        return key.Length == 32 ? key : throw new WechatCryptoException("EncodingAESKey does not decode to 32 bytes.");
    }

    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(RandomLength));

    /// <summary>Encrypts with the given 16 random bytes; fixed bytes reproduce the published vectors.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random)
    {
        var key = _key ?? throw new InvalidOperationException("Wechat:EncodingAESKey is not configured.");
        var msg = Encoding.UTF8.GetBytes(message);
        var length = RandomLength + 4 + msg.Length + _appId.Length;
        var pad = BlockSize - (length % BlockSize);
        var plain = new byte[length + pad];
        random[..RandomLength].CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(RandomLength), (uint)msg.Length);
        msg.CopyTo(plain, RandomLength + 4);
        _appId.CopyTo(plain, RandomLength + 4 + msg.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts an <c>Encrypt</c> value and returns the message, refusing another app's messages.</summary>
    public string Decrypt(string encrypt)
    {
        var key = _key ?? throw new InvalidOperationException("Wechat:EncodingAESKey is not configured.");
        byte[] plain;
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            plain = aes.DecryptCbc(Convert.FromBase64String(encrypt), key.AsSpan(0, 16), PaddingMode.None);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new WechatCryptoException("Encrypt is not valid ciphertext.", e);
        }

        // Unpad as WeChat's own samples do: a last byte outside 1..32 means "no padding".
        var pad = plain.Length == 0 ? 0 : plain[^1];
        // A forged block can claim more padding than there is content: that is "too short", not a crash.
        var content = plain.AsSpan(0, Math.Max(0, plain.Length - (pad is >= 1 and <= BlockSize ? pad : 0)));
        if (content.Length < RandomLength + 4)
        {
            throw new WechatCryptoException("Decrypted content is too short.");
        }
        var msgLength = BinaryPrimitives.ReadUInt32BigEndian(content[RandomLength..]);
        var rest = content[(RandomLength + 4)..];
        if (msgLength > (uint)rest.Length)
        {
            throw new WechatCryptoException("Decrypted length prefix is out of range.");
        }
        if (!rest[(int)msgLength..].SequenceEqual(_appId))
        {
            // Official samples' -40005: a message for another account, or a key shared by mistake.
            throw new WechatCryptoException("Decrypted appid does not match Wechat:AppId.");
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(rest[..(int)msgLength]);
        }
        catch (DecoderFallbackException e)
        {
            throw new WechatCryptoException("Decrypted message is not UTF-8.", e);
        }
    }
}
