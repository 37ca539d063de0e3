using System.Text.Json;

namespace WxBind.Tests.Emulator;

public class CustomSendTests
{
    [Fact]
    public async Task NonFollowerGets45015()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        Assert.Equal(45015, (await SendTextAsync(host, openId, "hi")).ErrCode());
    }

    [Fact]
    public async Task UnknownOpenIdGets40003()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal(40003, (await SendTextAsync(host, "oUnknownUnknownUnknownUnknown", "hi")).ErrCode());
    }

    [Fact]
    public async Task UserMessageOpensA48HourWindowOfFive()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.SimAsync("text", new { openid = openId, content = "hello" });

        for (var i = 0; i < 5; i++)
        {
            var ok = await SendTextAsync(host, openId, "reply " + i);
            Assert.Equal(0, ok.ErrCode());
            Assert.Equal("ok", ok.Str("errmsg"));
        }

        var quota = await SendTextAsync(host, openId, "one too many");
        Assert.Equal(45047, quota.ErrCode());
        Assert.StartsWith("out of response count limit", quota.Str("errmsg"), StringComparison.Ordinal);

        await host.SimAsync("text", new { openid = openId, content = "again" });
        host.Time.Advance(TimeSpan.FromHours(48));
        Assert.Equal(45015, (await SendTextAsync(host, openId, "late")).ErrCode());
    }

    [Fact]
    public async Task FollowOpensAOneMinuteWindowOfThree()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();

        Assert.Equal(0, (await SendTextAsync(host, openId, "1")).ErrCode());
        host.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(45015, (await SendTextAsync(host, openId, "2")).ErrCode());
    }

    [Fact]
    public async Task UnfollowClosesTheWindow()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("unfollow", new { openid = openId });
        Assert.Equal(45015, (await SendTextAsync(host, openId, "bye")).ErrCode());
    }

    [Fact]
    public async Task MoreThanOneNewsArticleGets45008()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        var token = await host.GetAccessTokenAsync();
        var article = new { title = "T", description = "D", url = "https://example.com", picurl = "https://example.com/p.jpg" };
        var json = await host.PostJsonAsync("/emulator/cgi-bin/message/custom/send?access_token=" + token,
            new { touser = openId, msgtype = "news", news = new { articles = new[] { article, article } } });
        Assert.Equal(45008, json.ErrCode());
    }

    [Fact]
    public async Task DeliveredMessagesLandInTheInbox()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        var token = await host.GetAccessTokenAsync();
        await SendTextAsync(host, openId, "客服消息");
        await host.PostJsonAsync("/emulator/cgi-bin/message/custom/send?access_token=" + token, new
        {
            touser = openId,
            msgtype = "news",
            news = new { articles = new[] { new { title = "绑定账号", description = "点此绑定", url = "http://localhost/bind", picurl = "" } } },
        });

        var messages = (await host.InboxAsync(openId)).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("custom", messages[0].Str("kind"));
        Assert.Equal("客服消息", messages[0].Str("content"));
        Assert.Equal("news", messages[1].Str("msgType"));
        var article = Assert.Single(messages[1].GetProperty("articles").EnumerateArray());
        Assert.Equal("绑定账号", article.Str("title"));
        Assert.Equal("http://localhost/bind", article.Str("url"));
    }

    [Fact]
    public async Task CustomSendFromInsideThePushHandlerUsesTheFreshWindow()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var token = await host.GetAccessTokenAsync();
        int? errcode = null;
        host.Callback.AsyncResponder = async push =>
        {
            if (push.Event == "subscribe")
            {
                errcode = (await SendTextAsync(host, openId, "welcome", token)).ErrCode();
            }

            return new CallbackAnswer(200, "success");
        };

        await host.SimAsync("follow", new { openid = openId });
        Assert.Equal(0, errcode);
    }

    private static async Task<JsonElement> SendTextAsync(EmulatorHost host, string openId, string content, string? token = null)
    {
        token ??= await host.GetAccessTokenAsync();
        return await host.PostJsonAsync("/emulator/cgi-bin/message/custom/send?access_token=" + token,
            new { touser = openId, msgtype = "text", text = new { content } });
    }
}
