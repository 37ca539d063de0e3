using WxBind.Emulator.Qrcodes;

namespace WxBind.Tests.Emulator;

public class ScanTests
{
    [Fact]
    public async Task NewFollowerScanPushesSubscribeWithQrscenePrefixAndTicket()
    {
        await using var host = await EmulatorHost.StartAsync();
        var qr = await host.CreateQrcodeAsync(new { expire_seconds = 300, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "login:42" } } });
        var openId = await host.CreateUserAsync();

        var result = await host.SimAsync("scan", new { openid = openId, ticket = qr.Str("ticket") });

        Assert.True(result.GetProperty("delivered").GetBoolean());
        var push = Assert.Single(host.Callback.Received);
        Assert.Equal("event", push.Field("MsgType"));
        Assert.Equal("subscribe", push.Event);
        Assert.Equal("qrscene_login:42", push.Field("EventKey"));
        Assert.Equal(qr.Str("ticket"), push.Field("Ticket"));
        Assert.Equal(openId, push.Field("FromUserName"));
        Assert.Equal(EmulatorHost.OriginalId, push.Field("ToUserName"));

        var token = await host.GetAccessTokenAsync();
        var info = await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}");
        Assert.Equal(1, info.GetProperty("subscribe").GetInt32());
        Assert.Equal("ADD_SCENE_QR_CODE", info.Str("subscribe_scene"));
        Assert.Equal("login:42", info.Str("qr_scene_str"));
        Assert.Equal(0, info.GetProperty("qr_scene").GetInt64());
    }

    [Fact]
    public async Task FollowerScanPushesScanWithBareSceneByUrl()
    {
        await using var host = await EmulatorHost.StartAsync();
        var qr = await host.CreateQrcodeAsync(new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 123123 } } });
        var openId = await host.CreateFollowerAsync();

        await host.SimAsync("scan", new { openid = openId, url = qr.Str("url") });

        var push = host.Callback.Received[^1];
        Assert.Equal("SCAN", push.Event);
        Assert.Equal("123123", push.Field("EventKey"));
        Assert.Equal(qr.Str("ticket"), push.Field("Ticket"));
    }

    [Fact]
    public async Task ExpiredTicketEmitsNothing()
    {
        await using var host = await EmulatorHost.StartAsync();
        var qr = await host.CreateQrcodeAsync(new { expire_seconds = 60, action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 9 } } });
        var openId = await host.CreateUserAsync();
        host.Time.Advance(TimeSpan.FromSeconds(61));

        var result = await host.SimAsync("scan", new { openid = openId, ticket = qr.Str("ticket") });

        Assert.False(result.GetProperty("delivered").GetBoolean());
        Assert.Equal("expired", result.Str("outcome"));
        Assert.Empty(host.Callback.Received);
        Assert.True((await host.GetJsonAsync("/emulator/_sim/qrcodes"))[0].GetProperty("expired").GetBoolean());
    }

    [Fact]
    public async Task ExpiredCodeIsForgottenAfterTheSweepAndStillAnswersExpired()
    {
        await using var host = await EmulatorHost.StartAsync();
        var shortLived = await host.CreateQrcodeAsync(new { expire_seconds = 60, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "l_short" } } });
        var longLived = await host.CreateQrcodeAsync(new { expire_seconds = 7200, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "l_long" } } });
        var permanent = await host.CreateQrcodeAsync(new { action_name = "QR_LIMIT_SCENE", action_info = new { scene = new { scene_id = 7 } } });
        var openId = await host.CreateUserAsync();

        // Expired for longer than the store keeps expired codes listed, and a sweep is due.
        host.Time.Advance(TimeSpan.FromSeconds(60) + QrcodeStore.ExpiredRetention + QrcodeStore.SweepInterval);

        var listed = (await host.GetJsonAsync("/emulator/_sim/qrcodes")).EnumerateArray().Select(q => q.Str("ticket")).ToList();
        Assert.Equal([permanent.Str("ticket"), longLived.Str("ticket")], listed);
        // Forgotten, yet as WeChat does with an expired code: nothing is pushed, the scan says expired.
        foreach (var scan in new object[] { new { openid = openId, ticket = shortLived.Str("ticket") }, new { openid = openId, url = shortLived.Str("url") } })
        {
            var result = await host.SimAsync("scan", scan);
            Assert.False(result.GetProperty("delivered").GetBoolean());
            Assert.Equal("expired", result.Str("outcome"));
        }
        Assert.Empty(host.Callback.Received);
        using var image = await host.Client.GetAsync("/emulator/cgi-bin/showqrcode?ticket=" + Uri.EscapeDataString(shortLived.Str("ticket")));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, image.StatusCode);
        // A code this emulator never issued is still unknown; the ones kept still work.
        Assert.Equal("unknown-qrcode", (await host.SimAsync("scan", new { openid = openId, url = "http://weixin.qq.com/q/02zzzzzzzzzzzzzzzzzzzz" })).Str("outcome"));
        Assert.True((await host.SimAsync("scan", new { openid = openId, url = longLived.Str("url") })).GetProperty("delivered").GetBoolean());
        Assert.True((await host.SimAsync("scan", new { openid = openId, ticket = permanent.Str("ticket") })).GetProperty("delivered").GetBoolean());
    }

    [Fact]
    public async Task ScanReturnsTheParsedPassiveReplyAndPutsItInTheInbox()
    {
        await using var host = await EmulatorHost.StartAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "欢迎关注"));
        var qr = await host.CreateQrcodeAsync(new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 5 } } });
        var openId = await host.CreateUserAsync();

        var result = await host.SimAsync("scan", new { openid = openId, ticket = qr.Str("ticket") });

        Assert.Equal("replied", result.Str("outcome"));
        Assert.Equal("text", result.GetProperty("reply").Str("msgType"));
        Assert.Equal("欢迎关注", result.GetProperty("reply").Str("content"));
        var inbox = await host.InboxAsync(openId);
        var message = Assert.Single(inbox.GetProperty("messages").EnumerateArray());
        Assert.Equal("reply", message.Str("kind"));
        Assert.Equal("欢迎关注", message.Str("content"));
    }

    [Fact]
    public async Task FollowAndUnfollowFlipSubscribe()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        await host.SimAsync("follow", new { openid = openId });
        await host.SimAsync("unfollow", new { openid = openId });

        Assert.Equal(["subscribe", "unsubscribe"], host.Callback.Received.Select(p => p.Event));
        var token = await host.GetAccessTokenAsync();
        var info = await host.GetJsonAsync($"/emulator/cgi-bin/user/info?access_token={token}&openid={openId}");
        Assert.Equal(0, info.GetProperty("subscribe").GetInt32());
    }
}
