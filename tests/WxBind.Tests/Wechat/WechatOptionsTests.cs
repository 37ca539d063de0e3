using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Wechat;

/// <summary>Bad <c>Wechat:*</c> configuration stops the app at start-up, naming the key.</summary>
public sealed class WechatOptionsTests
{
    [Theory]
    [InlineData("Wechat:EncodingAESKey", "tooShort", "Wechat:EncodingAESKey must be 43 characters")]
    [InlineData("Wechat:EncodingAESKey", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF+", "Wechat:EncodingAESKey must be 43 characters")]
    [InlineData("Wechat:Token", "ab", "Wechat:Token must be 3-32 letters or digits")]
    [InlineData("Wechat:AppSecret", "", "Wechat:AppSecret is required")]
    [InlineData("Wechat:ApiBaseUrl", "not a url", "Wechat:ApiBaseUrl must be an absolute http(s) URL")]
    public async Task BadConfigurationFailsAtStartupNamingTheKey(string key, string value, string expected)
    {
        await using var factory = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainModeNeedsNoEncodingAesKey()
    {
        await using var factory = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Wechat:MessageMode"] = "Plain",
            ["Wechat:EncodingAESKey"] = "",
        });

        var response = await factory.CreateClient().GetAsync("/healthz");

        response.EnsureSuccessStatusCode();
    }
}
