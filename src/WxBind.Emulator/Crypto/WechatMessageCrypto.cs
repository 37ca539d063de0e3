using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WxBind.Emulator.Crypto;

/// <summary>
/// WeChat's safe-mode cipher (wechat-protocol.md §3.2): AES-256-CBC, IV = first 16 key bytes,
/// PKCS#7 with a 32-byte block done by hand, plaintext = random16 ‖ uint32_be(len) ‖ msg ‖ appid.
/// Written independently of the app's implementation so each can catch the other's mistakes.
/// </summary>
internal sealed class WechatMessageCrypto
{
    private const int BlockSize = 32;
    private readonly byte[] _key;
    private readonly string _appId;

    public WechatMessageCrypto(string encodingAesKey, string appId)
    {
        ArgumentNullException.ThrowIfNull(encodingAesKey);
        if (encodingAesKey.Length != 43)
        {
            throw new ArgumentException("EncodingAESKey must be 43 characters.", nameof(encodingAesKey));
        }

        // .NET ignores the non-canonical trailing bits of the 43rd character, which is the leniency the key needs.
        _key = Convert.FromBase64String(encodingAesKey + "=");
        _appId = appId;
    }

    public string Encrypt(string message) => Encrypt(message, RandomNumberGenerator.GetBytes(16));

    /// <summary>Deterministic form for the published vectors; production callers use fresh random bytes.</summary>
    public string Encrypt(string message, ReadOnlySpan<byte> random16)
    {
        if (random16.Length != 16)
        {
            throw new ArgumentException("The random prefix is 16 bytes.", nameof(random16));
        }

        var msg = Encoding.UTF8.GetBytes(message);
        var appId = Encoding.UTF8.GetBytes(_appId);
        var length = 16 + 4 + msg.Length + appId.Length;
        var pad = BlockSize - (length % BlockSize);
        var plain = new byte[length + pad];
        random16.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(16), (uint)msg.Length);
        msg.CopyTo(plain, 20);
        appId.CopyTo(plain, 20 + msg.Length);
        plain.AsSpan(length).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts and requires the trailing appid to be this account's (error −40005 in the official samples).</summary>
    public string Decrypt(string encrypted)
    {
        var opened = Open(encrypted);
        if (!string.Equals(opened.AppId, _appId, StringComparison.Ordinal))
        {
            throw new CryptographicException("The appid inside the ciphertext does not match.");
        }

        return opened.Message;
    }

    /// <summary>Decrypts without judging the appid; exposes every part so tests can check the layout.</summary>
    public OpenedMessage Open(string encrypted)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException e)
        {
            throw new CryptographicException("Encrypt is not Base64.", e);
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            throw new CryptographicException("Ciphertext length is not a multiple of the AES block.");
        }

        using var aes = Aes.Create();
        aes.Key = _key;
        var plain = aes.DecryptCbc(cipher, _key.AsSpan(0, 16), PaddingMode.None);

        // Same tolerant unpadding as WxJava, SKIT and easywechat: strip only a plausible pad byte.
        int pad = plain[^1];
        if (pad < 1 || pad > BlockSize)
        {
            pad = 0;
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < 20)
        {
            throw new CryptographicException("Decrypted buffer is too short.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(content[16..]);
        if (length > content.Length - 20)
        {
            throw new CryptographicException("Message length points past the buffer.");
        }

        var message = Encoding.UTF8.GetString(content.Slice(20, (int)length));
        var appId = Encoding.UTF8.GetString(content[(20 + (int)length)..]);
        return new OpenedMessage(content[..16].ToArray(), message, appId, pad);
    }
}

internal sealed record OpenedMessage(byte[] Random, string Message, string AppId, int Padding);
