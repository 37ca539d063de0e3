using System.Text;
using WxBind.Wechat;

using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Wechat;

/// <summary>Safe-mode AES against wechat-protocol.md §3.6 (V1, V2, V4, V5).</summary>
public sealed class WechatMessageCryptoTests
{
    [Fact]
    public void AesKeyIsLenientBase64OfTheEncodingAesKey() =>
        Assert.Equal("69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051",
            Convert.ToHexStringLower(WechatMessageCrypto.DecodeAesKey(WechatCryptoVectors.V1Key)));

    [Fact]
    public void V1EncryptsWithFixedRandomToThePublishedCiphertext()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        Assert.Equal(WechatCryptoVectors.V1Encrypt, crypto.Encrypt("我是中文abcd123", "aaaabbbbccccdddd"u8));
    }

    [Fact]
    public void V1DecryptsToTheOriginalMessage()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        Assert.Equal("我是中文abcd123", crypto.Decrypt(WechatCryptoVectors.V1Encrypt));
    }

    [Fact]
    public void V2FullPushDecryptsToTheTextMessage()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V2AppId);
        var message = WechatMessage.Parse(crypto.Decrypt(WechatCryptoVectors.V2Encrypt));

        Assert.Equal("gh_10f6c3c3ac5a", message.ToUserName);
        Assert.Equal("oyORnuP8q7ou2gfYjqLzSIWZf0rs", message.FromUserName);
        Assert.Equal(1409735668, message.CreateTime);
        Assert.Equal("text", message.MsgType);
        Assert.Equal("abcdteT", message.Content);
        Assert.Equal(6054768590064713728, message.MsgId);
    }

    [Fact]
    public void V4DecryptsToTheTextMessage()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V4Key, WechatCryptoVectors.V4AppId);
        var message = WechatMessage.Parse(crypto.Decrypt(WechatCryptoVectors.V4Encrypt));

        Assert.Equal("mycreate", message.FromUserName);
        Assert.Equal("hello", message.Content);
        Assert.Equal(4561255354251345929, message.MsgId);
    }

    [Fact]
    public void V5ReplyEncryptsToThePublishedCiphertext()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        Assert.Equal(WechatCryptoVectors.V5Encrypt, crypto.Encrypt(WechatCryptoVectors.V5Message, "0123456789abcdef"u8));
        Assert.Equal(WechatCryptoVectors.V5Message, crypto.Decrypt(WechatCryptoVectors.V5Encrypt));
    }

    [Fact]
    public void MessageForAnotherAppIdIsRefused()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, "wx0000000000000000");
        Assert.Throws<WechatCryptoException>(() => crypto.Decrypt(WechatCryptoVectors.V1Encrypt));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("")]
    public void GarbageIsRefusedWithoutCrashing(string encrypt)
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        Assert.Throws<WechatCryptoException>(() => crypto.Decrypt(encrypt));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void ShortBlockClaimingMorePaddingThanItHoldsIsRefusedWithoutCrashing(int padByte)
    {
        // One AES block that decrypts to 16 bytes ending in a pad byte larger than the block.
        var key = Convert.FromBase64String(WechatCryptoVectors.V1Key + "=");
        var plain = new byte[16];
        plain[^1] = (byte)padByte;
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        var encrypt = Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), System.Security.Cryptography.PaddingMode.None));

        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        Assert.Throws<WechatCryptoException>(() => crypto.Decrypt(encrypt));
    }

    [Fact]
    public void RoundTripsEveryPaddingLength()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, WechatCryptoVectors.V1AppId);
        for (var length = 0; length <= 64; length++)
        {
            var message = new string('字', length / 3) + new string('a', length % 3);
            var encrypt = crypto.Encrypt(message);
            Assert.Equal(0, Convert.FromBase64String(encrypt).Length % 32);
            Assert.Equal(message, crypto.Decrypt(encrypt));
        }
        Assert.NotEqual(crypto.Encrypt("same"), crypto.Encrypt("same"));
        Assert.Equal(19, Encoding.UTF8.GetByteCount("我是中文abcd123"));
    }
}
