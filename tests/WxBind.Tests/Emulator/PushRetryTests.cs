namespace WxBind.Tests.Emulator;

public class PushRetryTests
{
    [Fact]
    public async Task SlowCallbackGetsTheSameMessageForEveryAttempt()
    {
        await using var host = await EmulatorHost.StartAsync(configure: o =>
        {
            // Generous real deadline: the fault alone decides the timeout, so a slow CI box cannot.
            o.PushTimeout = TimeSpan.FromSeconds(3);
            o.PushAttempts = 3;
        });
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("faults", new { slowCallbackMs = 5000 });

        var result = await host.SimAsync("text", new { openid = openId, content = "retry me" });

        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.Equal("该公众号暂时无法提供服务，请稍后再试", result.Str("outcome"));
        var texts = host.Callback.Received.Where(p => p.Field("MsgType") == "text").ToList();
        Assert.Equal(3, texts.Count);
        Assert.Single(texts.Select(p => p.Field("MsgId")).Distinct());
        Assert.Single(texts.Select(p => p.Field("CreateTime")).Distinct());
        Assert.Equal(3, texts.Select(p => p.Query["nonce"]).Distinct().Count());
        Assert.All(texts, p => Assert.True(p.SignatureValid));

        var deliveries = await host.GetJsonAsync("/emulator/_sim/deliveries");
        var attempts = deliveries.EnumerateArray().Where(d => d.Str("event") == "text").ToList();
        Assert.Equal([3, 2, 1], attempts.Select(d => d.GetProperty("attempt").GetInt32()));
        Assert.All(attempts, d => Assert.Equal("timeout", d.Str("outcome")));

        var inbox = await host.InboxAsync(openId);
        Assert.Contains(inbox.GetProperty("messages").EnumerateArray(), m => m.Str("kind") == "notice");
    }

    [Fact]
    public async Task FailingCallbackIsRetriedUntilItAnswers()
    {
        await using var host = await EmulatorHost.StartAsync(configure: o => o.PushAttempts = 3);
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("faults", new { failCallbackCount = 2 });
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "third time"));

        var result = await host.SimAsync("text", new { openid = openId, content = "hello" });

        Assert.Equal(3, result.GetProperty("attempts").GetInt32());
        Assert.Equal("replied", result.Str("outcome"));
        Assert.Equal("third time", result.GetProperty("reply").Str("content"));
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithTheSameMsgIdAndSameSignatureWhenConfigured()
    {
        await using var host = await EmulatorHost.StartAsync(configure: o =>
        {
            o.PushAttempts = 4;
            o.RegenerateSignatureOnRetry = false;
        });
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = _ => new CallbackAnswer(500, "boom");

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal(4, result.GetProperty("attempts").GetInt32());
        var texts = host.Callback.Received.Where(p => p.Field("MsgType") == "text").ToList();
        Assert.Equal(4, texts.Count);
        Assert.Single(texts.Select(p => p.Field("MsgId")).Distinct());
        Assert.Single(texts.Select(p => p.Query["signature"]).Distinct());
    }

    [Fact]
    public async Task SuccessOrEmptyBodyStopsWithoutReply()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = _ => new CallbackAnswer(200, "");

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal(1, result.GetProperty("attempts").GetInt32());
        Assert.Equal("no-reply", result.Str("outcome"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("reply").ValueKind);
    }

    [Fact]
    public async Task DroppedRepliesNeverReachTheUser()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("faults", new { dropReplies = true });
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "lost"));

        var result = await host.SimAsync("text", new { openid = openId, content = "x" });

        Assert.Equal("reply-dropped", result.Str("outcome"));
        var inbox = await host.InboxAsync(openId);
        Assert.Empty(inbox.GetProperty("messages").EnumerateArray());

        await host.Client.DeleteAsync(new Uri("/emulator/_sim/faults", UriKind.Relative));
        Assert.Equal("replied", (await host.SimAsync("text", new { openid = openId, content = "y" })).Str("outcome"));
    }
}
