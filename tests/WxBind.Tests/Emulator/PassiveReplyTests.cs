using System.Xml.Linq;
using WxBind.Emulator;

namespace WxBind.Tests.Emulator;

public class PassiveReplyTests
{
    private const string Notice = "该公众号暂时无法提供服务，请稍后再试";

    [Fact]
    public async Task ReplyWithIdsNotSwappedGivesTheNotice()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push =>
        {
            var reply = XElement.Parse(FakeCallback.TextReply(push, "oops"));
            reply.Element("ToUserName")!.Value = push.Field("ToUserName")!;
            reply.Element("FromUserName")!.Value = push.Field("FromUserName")!;
            return new CallbackAnswer(200, reply.ToString());
        };

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal(Notice, result.Str("outcome"));
        Assert.Contains("ToUserName", result.Str("detail"), StringComparison.Ordinal);
        var inbox = await host.InboxAsync(openId);
        var notice = inbox.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("notice", notice.Str("kind"));
        Assert.Equal(Notice, notice.Str("content"));
    }

    [Fact]
    public async Task EncryptedReplyWithBadSignatureGivesTheNotice()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Safe);
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, host.Callback.Encrypted(FakeCallback.TextReply(push, "x"), tamper: true));

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal(Notice, result.Str("outcome"));
        Assert.Contains("MsgSignature", result.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonInsteadOfXmlGivesTheNotice()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = _ => new CallbackAnswer(200, """{"msg":"hi"}""");

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal(Notice, result.Str("outcome"));
        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task UnknownMsgTypeGivesTheNotice()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push =>
        {
            var reply = XElement.Parse(FakeCallback.TextReply(push, "x"));
            reply.Element("MsgType")!.Value = "hologram";
            return new CallbackAnswer(200, reply.ToString());
        };

        Assert.Equal(Notice, (await host.SimAsync("text", new { openid = openId, content = "x" })).Str("outcome"));
    }

    [Fact]
    public async Task NewsReplyToAUserMessageAllowsOneArticle()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.NewsReply(push, 2));
        Assert.Equal(Notice, (await host.SimAsync("text", new { openid = openId, content = "x" })).Str("outcome"));

        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.NewsReply(push, 1));
        var ok = await host.SimAsync("text", new { openid = openId, content = "x" });
        Assert.Equal("replied", ok.Str("outcome"));
        var article = Assert.Single(ok.GetProperty("reply").GetProperty("articles").EnumerateArray());
        Assert.Equal("标题1", article.Str("title"));
        Assert.Equal("https://example.com/a1", article.Str("url"));
    }

    [Fact]
    public async Task NewsReplyToAnEventAllowsEightArticles()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.NewsReply(push, 8));
        Assert.Equal("replied", (await host.SimAsync("click", new { openid = openId, key = "MENU_A" })).Str("outcome"));

        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.NewsReply(push, 9));
        Assert.Equal(Notice, (await host.SimAsync("click", new { openid = openId, key = "MENU_A" })).Str("outcome"));
    }

    [Fact]
    public async Task ClickPushCarriesTheKey()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("click", new { openid = openId, key = "BIND_ACCOUNT" });

        var push = host.Callback.Received[^1];
        Assert.Equal("CLICK", push.Event);
        Assert.Equal("BIND_ACCOUNT", push.Field("EventKey"));
    }
}
