using WxBind.Wechat;

namespace WxBind.Tests.Wechat;

public sealed class WechatTextTests
{
    [Theory]
    [InlineData("<a href=\"http://evil.example.com\">官方补偿</a>", "＜a href=\"http:／／evil.example.com\"＞官方补偿＜/a＞")]
    [InlineData("张三", "张三")]
    [InlineData("李四 (Li Si) 🙂", "李四 (Li Si) 🙂")]
    [InlineData("www.evil.com", "www．evil.com")]
    [InlineData("https://x.cn/领奖", "https:／／x.cn/领奖")]
    [InlineData("王\n五\u202E", "王 五 ")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void UserTextBecomesPlain(string? input, string expected) => Assert.Equal(expected, WechatText.Plain(input));

    [Fact]
    public void NoMarkupOrLinkSurvives()
    {
        var plain = WechatText.Plain("<a href='https://evil.example.com'>x</a><img src=x onerror=alert(1)>www.evil.com");

        Assert.DoesNotContain('<', plain);
        Assert.DoesNotContain('>', plain);
        Assert.DoesNotContain("://", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("www.", plain, StringComparison.OrdinalIgnoreCase);
    }
}
