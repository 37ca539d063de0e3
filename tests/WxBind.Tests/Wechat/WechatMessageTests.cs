using System.Xml;
using WxBind.Wechat;

using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Wechat;

public sealed class WechatMessageTests
{
    [Fact]
    public void ReadsFieldsWithOrWithoutCData()
    {
        var message = WechatMessage.Parse(
            "<xml><ToUserName>gh_abc</ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime>" +
            "<MsgType><![CDATA[text]]></MsgType><Content>hi &amp; bye</Content><MsgId>23456789012345678</MsgId></xml>");

        Assert.Equal("gh_abc", message.ToUserName);
        Assert.Equal("oUser", message.OpenId);
        Assert.Equal(1700000000, message.CreateTime);
        Assert.Equal("hi & bye", message.Content);
        Assert.Equal(23456789012345678, message.MsgId);
        Assert.False(message.IsEvent);
    }

    [Theory]
    [InlineData("subscribe", "<EventKey><![CDATA[qrscene_bind42]]></EventKey>", "bind42")]
    [InlineData("SCAN", "<EventKey><![CDATA[bind42]]></EventKey>", "bind42")]
    [InlineData("subscribe", "<EventKey><![CDATA[]]></EventKey>", null)]
    [InlineData("subscribe", "", null)]
    [InlineData("unsubscribe", "<EventKey/>", null)]
    [InlineData("CLICK", "<EventKey>MY_ORDERS</EventKey>", null)]
    public void SceneStrComesFromQrEventsOnly(string @event, string eventKeyElement, string? scene)
    {
        var message = WechatMessage.Parse(
            $"<xml><ToUserName>gh_abc</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1</CreateTime>" +
            $"<MsgType>event</MsgType><Event>{@event}</Event>{eventKeyElement}<Ticket>gQH</Ticket></xml>");

        Assert.True(message.IsEvent);
        Assert.Equal(@event, message.Event);
        Assert.Equal(scene, message.SceneStr);
        Assert.Null(message.MsgId);
    }

    [Fact]
    public void EmptyEventKeyReadsAsAbsent()
    {
        var message = WechatMessage.Parse("<xml><MsgType>event</MsgType><Event>subscribe</Event><EventKey></EventKey></xml>");
        Assert.Null(message.EventKey);
    }

    [Theory]
    [InlineData("<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><xml><Content>&b;</Content></xml>")]
    [InlineData("<!DOCTYPE xml SYSTEM \"file:///etc/passwd\"><xml/>")]
    [InlineData("<xml><Content>unclosed</xml>")]
    public void DtdsAndMalformedXmlAreRefused(string xml) =>
        Assert.ThrowsAny<XmlException>(() => WechatMessage.Parse(xml));

    [Fact]
    public void TextReplySwapsIdsAndMatchesTheV5Message()
    {
        var received = WechatMessage.Parse("<xml><ToUserName>gh_test</ToUserName><FromUserName>oUser123</FromUserName><MsgType>text</MsgType></xml>");
        Assert.Equal(WechatCryptoVectors.V5Message, WechatReply.Text("hello").ToXml(received, 1700000000));
    }

    [Fact]
    public void NewsReplyListsArticlesAndSurvivesCDataTerminators()
    {
        var received = WechatMessage.Parse("<xml><ToUserName>gh_test</ToUserName><FromUserName>oUser123</FromUserName><MsgType>event</MsgType></xml>");
        var xml = WechatReply.News([new WechatArticle("T ]]> x", "D", "https://example.com/a", "https://example.com/p.jpg")]).ToXml(received, 1700000001)!;

        var parsed = WechatMessage.Parse(xml);
        Assert.Equal("news", parsed.MsgType);
        Assert.Equal("oUser123", parsed.ToUserName);
        Assert.Equal("gh_test", parsed.FromUserName);
        Assert.Equal("1", parsed.Get("ArticleCount"));
        Assert.Contains("<Url><![CDATA[https://example.com/a]]></Url>", xml, StringComparison.Ordinal);
        Assert.Contains("T ]]> x", System.Xml.Linq.XDocument.Parse(xml).Root!.Element("Articles")!.Element("item")!.Element("Title")!.Value, StringComparison.Ordinal);
        Assert.Null(WechatReply.Success.ToXml(received, 1));
    }

    [Fact]
    public void EncryptedEnvelopeHasTheFourFields()
    {
        var envelope = WechatMessage.Parse(WechatXml.EncryptedEnvelope("abc", "sig", 1700000001, "n0nce"));
        Assert.Equal("abc", envelope.Get("Encrypt"));
        Assert.Equal("sig", envelope.Get("MsgSignature"));
        Assert.Equal("1700000001", envelope.Get("TimeStamp"));
        Assert.Equal("n0nce", envelope.Get("Nonce"));
    }
}
