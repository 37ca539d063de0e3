using System.Security.Cryptography;
using System.Text;
using WxBind.Emulator.Crypto;

using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Emulator;

public class WechatMessageCryptoTests
{
    private const string V1AppId = "wxb11529c136998cb6";
    private const string V1Message = "我是中文abcd123";
    private const string V1Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";

    [Fact]
    public void EncryptsV1WithFixedRandom()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, V1AppId);
        Assert.Equal(V1Encrypt, crypto.Encrypt(V1Message, Encoding.ASCII.GetBytes("aaaabbbbccccdddd")));
    }

    [Fact]
    public void DecryptsV1()
    {
        var opened = new WechatMessageCrypto(WechatCryptoVectors.V1Key, V1AppId).Open(V1Encrypt);
        Assert.Equal(V1Message, opened.Message);
        Assert.Equal(V1AppId, opened.AppId);
        Assert.Equal("aaaabbbbccccdddd", Encoding.ASCII.GetString(opened.Random));
        Assert.Equal(7, opened.Padding);
    }

    [Fact]
    public void DecryptsV2Push()
    {
        var opened = new WechatMessageCrypto(WechatCryptoVectors.V1Key, "wx2c2769f8efd9abc2").Open(WechatCryptoVectors.V2Encrypt);
        Assert.Equal("89465c840c5f116f", Encoding.ASCII.GetString(opened.Random));
        Assert.Equal("wx2c2769f8efd9abc2", opened.AppId);
        Assert.Equal(2, opened.Padding);
        Assert.Contains("<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>", opened.Message, StringComparison.Ordinal);
        Assert.Contains("<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>", opened.Message, StringComparison.Ordinal);
        Assert.Contains("<Content><![CDATA[abcdteT]]></Content>", opened.Message, StringComparison.Ordinal);
        Assert.Contains("<MsgId>6054768590064713728</MsgId>", opened.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecryptsV4()
    {
        var crypto = new WechatMessageCrypto("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7");
        var opened = crypto.Open(WechatCryptoVectors.V4Encrypt);
        Assert.Equal(30, opened.Padding);
        Assert.Contains("<Content><![CDATA[hello]]></Content>", opened.Message, StringComparison.Ordinal);
        Assert.Contains("<FromUserName><![CDATA[mycreate]]></FromUserName>", opened.Message, StringComparison.Ordinal);
        Assert.Equal(opened.Message, crypto.Decrypt(WechatCryptoVectors.V4Encrypt));
    }

    [Fact]
    public void EncryptsAndDecryptsV5()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, V1AppId);
        Assert.Equal(WechatCryptoVectors.V5Encrypt, crypto.Encrypt(WechatCryptoVectors.V5Message, Encoding.ASCII.GetBytes("0123456789abcdef")));
        var opened = crypto.Open(WechatCryptoVectors.V5Encrypt);
        Assert.Equal(WechatCryptoVectors.V5Message, opened.Message);
        Assert.Equal(8, opened.Padding);
    }

    [Fact]
    public void CiphertextIsRandomEachTime()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, V1AppId);
        var first = crypto.Encrypt("same");
        var second = crypto.Encrypt("same");
        Assert.NotEqual(first, second);
        Assert.Equal("same", crypto.Decrypt(first));
        Assert.Equal("same", crypto.Decrypt(second));
    }

    [Fact]
    public void LengthMultipleOf32GetsAFullPaddingBlock()
    {
        // 16 + 4 + 26 + 18 = 64 bytes, so 32 bytes of 0x20 follow.
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, V1AppId);
        var opened = crypto.Open(crypto.Encrypt(new string('x', 26)));
        Assert.Equal(32, opened.Padding);
    }

    [Fact]
    public void DecryptRejectsForeignAppId()
    {
        var crypto = new WechatMessageCrypto(WechatCryptoVectors.V1Key, "wxsomeoneelse00000");
        Assert.Throws<CryptographicException>(() => crypto.Decrypt(V1Encrypt));
    }
}
