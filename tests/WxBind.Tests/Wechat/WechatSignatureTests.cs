using WxBind.Wechat;

using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Wechat;

/// <summary>The signature vectors of wechat-protocol.md §1 and §3.6.</summary>
public sealed class WechatSignatureTests
{
    [Theory]
    [InlineData("spamtest", "1409735669", "1320562132", "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a")]
    [InlineData("pamtest", "1409304348", "xxxxxx", "76480565cbe296026c53aaacd1ad523a1ddba24f")]
    public void UrlSignatureMatchesPublishedVectors(string token, string timestamp, string nonce, string expected)
    {
        Assert.Equal(expected, WechatSignature.Compute(token, timestamp, nonce));
        Assert.True(WechatSignature.Matches(WechatSignature.Compute(token, timestamp, nonce), expected));
        Assert.True(WechatSignature.Matches(WechatSignature.Compute(token, timestamp, nonce), expected.ToUpperInvariant()));
    }

    [Fact]
    public void WrongOrMissingSignatureDoesNotMatch()
    {
        var computed = WechatSignature.Compute("spamtest", "1409735669", "1320562132");
        Assert.False(WechatSignature.Matches(computed, "16120ec1b8dbb870f510d87ce6bc2463eae6ca1b"));
        Assert.False(WechatSignature.Matches(computed, "16120ec1"));
        Assert.False(WechatSignature.Matches(computed, null));
    }

    [Theory]
    [InlineData("pamtest", "1409304348", "xxxxxx", WechatCryptoVectors.V1Encrypt, "82c962d39941aa48552f90ef55aa323dc620cc10")]
    [InlineData("spamtest", "1409735669", "1320562132", WechatCryptoVectors.V2Encrypt, "5d197aaffba7e9b25a30732f161a50dee96bd5fa")]
    [InlineData("QDG6eK", "1409659813", "1372623149", WechatCryptoVectors.V4Encrypt, "477715d11cdb4164915debcba66cb864d751f3e6")]
    [InlineData("pamtest", "1700000001", "n0nce", WechatCryptoVectors.V5Encrypt, "4c762bcc14664ee099469bd278f338a31228fa62")]
    public void MsgSignatureMatchesPublishedVectors(string token, string timestamp, string nonce, string encrypt, string expected) =>
        Assert.Equal(expected, WechatSignature.ComputeMsgSignature(token, timestamp, nonce, encrypt));

    [Fact]
    public void PartsAreSortedOrdinallyNotByCulture()
    {
        // Ordinal: uppercase before lowercase ("Z" < "a"); a culture sort would put "a" first.
        Assert.Equal(WechatSignature.Compute("Zz", "a1", "b2"), WechatSignature.Compute("b2", "Zz", "a1"));
        Assert.Equal("7861b0fd94f18cab81fd015f4640fcc17c25c1b7", WechatSignature.Compute("a1", "Zz", "b2")); // sha1("Zza1b2")
    }
}
