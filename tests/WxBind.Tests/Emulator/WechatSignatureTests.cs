using WxBind.Emulator.Crypto;

using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Emulator;

public class WechatSignatureTests
{
    [Theory]
    [InlineData("spamtest", "1409735669", "1320562132", "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a")]
    [InlineData("pamtest", "1409304348", "xxxxxx", "76480565cbe296026c53aaacd1ad523a1ddba24f")]
    public void SignatureMatchesPublishedVectors(string token, string timestamp, string nonce, string expected)
    {
        Assert.Equal(expected, WechatSignature.Compute(token, timestamp, nonce));
        Assert.True(WechatSignature.Verify(expected, token, timestamp, nonce));
    }

    [Fact]
    public void MsgSignatureMatchesV1()
    {
        const string Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
        Assert.Equal("82c962d39941aa48552f90ef55aa323dc620cc10", WechatSignature.Compute("pamtest", "1409304348", "xxxxxx", Encrypt));
    }

    [Fact]
    public void MsgSignatureMatchesV2()
    {
        Assert.Equal("5d197aaffba7e9b25a30732f161a50dee96bd5fa", WechatSignature.Compute("spamtest", "1409735669", "1320562132", WechatCryptoVectors.V2Encrypt));
    }

    [Fact]
    public void MsgSignatureMatchesV4()
    {
        Assert.Equal("477715d11cdb4164915debcba66cb864d751f3e6", WechatSignature.Compute("QDG6eK", "1409659813", "1372623149", WechatCryptoVectors.V4Encrypt));
    }

    [Fact]
    public void MsgSignatureMatchesV5()
    {
        Assert.Equal("4c762bcc14664ee099469bd278f338a31228fa62", WechatSignature.Compute("pamtest", "1700000001", "n0nce", WechatCryptoVectors.V5Encrypt));
    }

    [Fact]
    public void SortIsOrdinalNotCultural()
    {
        // Upper case sorts before lower case in ordinal order; a culture-aware sort interleaves them.
        var expected = WechatSignature.Compute("Zeta", "alpha", "1");
        Assert.Equal(expected, WechatSignature.Compute("alpha", "1", "Zeta"));
        Assert.False(WechatSignature.Verify(expected.ToUpperInvariant(), "alpha", "1", "Zeta"));
        Assert.False(WechatSignature.Verify(null, "alpha", "1", "Zeta"));
    }
}
