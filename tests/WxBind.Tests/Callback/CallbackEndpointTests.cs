using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Callback;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Callback;

/// <summary><c>GET/POST /wechat/callback</c> through the whole app, in Plain, Compatible and Safe mode.</summary>
public sealed class CallbackEndpointTests
{
    public static TheoryData<StorageProvider, WechatMessageMode> ProvidersAndModes
    {
        get
        {
            var data = new TheoryData<StorageProvider, WechatMessageMode>();
            foreach (var provider in TestDatabases.Providers)
            {
                foreach (var mode in Enum.GetValues<WechatMessageMode>())
                {
                    data.Add(provider, mode);
                }
            }
            return data;
        }
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task UrlVerificationEchoesEchostrOnlyWhenSignatureHolds(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Safe);
        var client = app.App.CreateClient();

        var good = await client.GetAsync($"/wechat/callback?{app.Push.SignedQuery(1457659914, "1534656649")}&echostr=405235951829235694");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("405235951829235694", await good.Content.ReadAsStringAsync());

        var bad = await client.GetAsync("/wechat/callback?signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1457659914&nonce=1534656649&echostr=405235951829235694");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.DoesNotContain("405235951829235694", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var missing = await client.GetAsync("/wechat/callback?echostr=1");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task TextMessageGetsTheHelpReplyInThePushMode(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);

        var response = await app.Push.PostAsync(WechatPush.TextXml("oAlice", "你好", 1001));

        var body = await response.Content.ReadAsStringAsync();
        if (mode != WechatMessageMode.Plain)
        {
            // The wire body is the encrypted envelope, never the plain reply.
            Assert.DoesNotContain(HelpReplyHandler.HelpText, body, StringComparison.Ordinal);
            Assert.Contains("<Encrypt>", body, StringComparison.Ordinal);
        }
        var reply = WechatMessage.Parse(await app.Push.ReadReplyAsync(response));
        Assert.Equal("text", reply.MsgType);
        Assert.Equal("oAlice", reply.ToUserName);
        Assert.Equal("gh_wxbind000001", reply.FromUserName);
        Assert.Equal(HelpReplyHandler.HelpText, reply.Content);
        Assert.Equal(app.Push.Now, reply.CreateTime);
    }

    [Fact]
    public async Task APushIsGivenOnlyToTheHandlersThatTakeItTheOthersAreNotEvenCreated()
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);

        var help = WechatMessage.Parse(await app.Push.ReadReplyAsync(await app.Push.PostAsync(WechatPush.TextXml("oAlice", "你好", 1101))));
        Assert.Equal(HelpReplyHandler.HelpText, help.Content);
        Assert.Equal(0, app.Probe.Created);

        var counted = WechatMessage.Parse(await app.Push.ReadReplyAsync(await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1102))));
        Assert.Equal("handled 1: count", counted.Content);
        Assert.Equal(1, app.Probe.Created);
    }

    [Fact]
    public async Task APushWhoseBodyEndsBeforeItsAnnouncedLengthIsRefusedWithoutAServerError()
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);
        var callback = app.App.Services.GetRequiredService<CallbackService>();
        // The server reports a body that ends before its Content-Length (a push cut off on the
        // way) by throwing from the body stream, whether or not the sender is still there.
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.QueryString = new QueryString("?" + app.Push.SignedQuery(app.Push.Now, "42"));
        context.Request.ContentLength = 1000;
        context.Request.Body = new CutOffBody();

        var result = await callback.ReceiveAsync(context.Request, CancellationToken.None);

        Assert.Equal(StatusCodes.Status400BadRequest, Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    private sealed class CutOffBody : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task OtherMethodsThanGetAndPostAreNotAllowed()
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);

        var response = await app.App.CreateClient().PutAsync($"/wechat/callback?{app.Push.SignedQuery(1457659914, "1534656649")}", new StringContent("<xml/>"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "POST"], response.Content.Headers.Allow);
        Assert.Equal(0, app.Probe.Count);
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task BadSignatureIsRefusedAndNothingIsStored(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);

        var response = await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1002), badSignature: true);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, app.Probe.Count);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task BadMsgSignatureOrMissingEncryptionIsRefused(StorageProvider provider, WechatMessageMode mode)
    {
        if (mode == WechatMessageMode.Plain)
        {
            return;
        }
        await using var app = await StartAsync(provider, mode);

        var badMsgSignature = await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1003), badMsgSignature: true);
        var plainInEncryptedMode = await app.Push.PostRawAsync(WechatPush.TextXml("oAlice", "count", 1004), app.Push.Now.ToString(), "42");

        Assert.Equal(HttpStatusCode.Unauthorized, badMsgSignature.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, plainInEncryptedMode.StatusCode);
        Assert.Equal(0, app.Probe.Count);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task MessageEncryptedForAnotherAppIdIsRefused(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Safe);
        var foreign = new WechatMessageCrypto(app.Push.Options.EncodingAesKey, "wx0000000000000000");
        var encrypt = foreign.Encrypt(WechatPush.TextXml("oAlice", "count", 1005));
        var ts = app.Push.Now.ToString();

        var response = await app.Push.PostRawAsync($"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>", ts, "7",
            WechatSignature.ComputeMsgSignature(app.Push.Options.Token, ts, "7", encrypt));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task StaleTimestampIsRefusedWithoutSideEffect(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);

        var stale = await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1006), timestamp: app.Push.Now - 301);
        var future = await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1007), timestamp: app.Push.Now + 301);

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("timestamp", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, future.StatusCode);
        Assert.Equal(0, app.Probe.Count);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    public static TheoryData<string> BadXml => new()
    {
        "<xml><ToUserName>gh</ToUserName>",
        "this is not xml",
        "{\"json\": true}",
        "<!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>",
        // "Billion laughs": ten levels of ten-fold entity expansion.
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">" +
        string.Concat(Enumerable.Range(1, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))}\">")) +
        "]><xml><Content>&lol9;</Content></xml>",
    };

    [Theory, MemberData(nameof(BadXml))]
    public async Task MalformedXmlDtdAndEntityExpansionAre400InPlainMode(string body)
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Plain);

        var response = await app.Push.PostRawAsync(body, app.Push.Now.ToString(), "1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(BadXml))]
    public async Task MalformedXmlDtdAndEntityExpansionAre400InsideEncryption(string inner)
    {
        await using var app = await StartAsync(StorageProvider.Sqlite, WechatMessageMode.Safe);

        // Outer envelope and inner message are both parsed with DTDs prohibited.
        var outer = await app.Push.PostRawAsync(inner, app.Push.Now.ToString(), "1", "0000000000000000000000000000000000000000");
        var encrypted = await app.Push.PostAsync(inner);

        Assert.Equal(HttpStatusCode.BadRequest, outer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, encrypted.StatusCode);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TwoMegabyteBodyIs413WithOrWithoutContentLength(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Plain);
        var big = "<xml><Content>" + new string('a', 2 * 1024 * 1024) + "</Content></xml>";

        var withLength = await app.Push.PostRawAsync(big, app.Push.Now.ToString(), "1");
        // A non-seekable stream goes out chunked: the limit must hold while reading.
        var chunked = await app.Push.PostContentAsync(
            new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(big))), app.Push.Now.ToString(), "2");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task UnknownMsgTypeGetsSuccess(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);
        var xml = "<xml><ToUserName>gh_wxbind000001</ToUserName><FromUserName>oAlice</FromUserName><CreateTime>1700000000</CreateTime>" +
            "<MsgType>hologram</MsgType><MsgId>1008</MsgId></xml>";

        var response = await app.Push.PostAsync(xml);

        Assert.Equal("success", await app.Push.ReadReplyAsync(response));
    }

    [Theory, MemberData(nameof(ProvidersAndModes))]
    public async Task DuplicateDeliveryIsHandledOnceAndTheRetryGetsTheSameReply(StorageProvider provider, WechatMessageMode mode)
    {
        await using var app = await StartAsync(provider, mode);
        var push = WechatPush.TextXml("oAlice", "count me", 1009);

        var first = await app.Push.ReadReplyAsync(await app.Push.PostAsync(push));
        app.Factory.Clock.Advance(TimeSpan.FromSeconds(5));
        var retry = await app.Push.ReadReplyAsync(await app.Push.PostAsync(push));

        Assert.Equal(1, app.Probe.Count);
        Assert.Equal("handled 1: count me", WechatMessage.Parse(first).Content);
        Assert.Equal(first, retry);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task DuplicateEventIsHandledOnce(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Safe);
        var push = WechatPush.EventXml("oAlice", "SCAN", "scene-1");

        Assert.Equal("success", await app.Push.ReadReplyAsync(await app.Push.PostAsync(push)));
        Assert.Equal("success", await app.Push.ReadReplyAsync(await app.Push.PostAsync(push)));
        Assert.Equal(RowsFor(provider, 1), await app.Push.ProcessedCountAsync());
        // Same user and time but another scene is another event.
        Assert.Equal("success", await app.Push.ReadReplyAsync(await app.Push.PostAsync(WechatPush.EventXml("oAlice", "SCAN", "scene-2"))));
        Assert.Equal(RowsFor(provider, 2), await app.Push.ProcessedCountAsync());
    }

    /// <summary>
    /// Rows a push that changes nothing leaves in <c>processed_messages</c>: on PostgreSQL every push
    /// is claimed in the database (several instances); on SQLite it is remembered in memory only.
    /// </summary>
    private static long RowsFor(StorageProvider provider, long pushes) => provider == StorageProvider.Postgres ? pushes : 0;

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RetryWhileTheFirstDeliveryIsStillRunningGetsSuccess(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Safe);
        app.Probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var push = WechatPush.TextXml("oAlice", "count slowly", 1010);

        var firstTask = app.Push.PostAsync(push);
        await app.Probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var retry = await app.Push.ReadReplyAsync(await app.Push.PostAsync(push));
        app.Probe.Gate.SetResult();
        var first = await app.Push.ReadReplyAsync(await firstTask);

        Assert.Equal("success", retry);
        Assert.Equal("handled 1: count slowly", WechatMessage.Parse(first).Content);
        Assert.Equal(1, app.Probe.Count);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SamePushIsADuplicateForTheWholeTimestampWindowAndNewAfterIt(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Plain);
        var push = WechatPush.TextXml("oAlice", "count", 1011, createTime: 1700000000);

        await app.Push.PostAsync(push);
        app.Factory.Clock.Advance(TimeSpan.FromSeconds(299));
        await app.Push.PostAsync(push);
        Assert.Equal(1, app.Probe.Count);

        app.Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await app.Push.PostAsync(push);
        Assert.Equal(2, app.Probe.Count);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FailingHandlerIsAnsweredWithSuccessAndItsRetryIsHandledAgain(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Safe);
        var push = WechatPush.TextXml("oAlice", "boom", 1012);

        var first = await app.Push.PostAsync(push);
        var retry = await app.Push.PostAsync(push);

        Assert.Equal("success", await app.Push.ReadReplyAsync(first));
        Assert.Equal("success", await app.Push.ReadReplyAsync(retry));
        Assert.Equal(2, app.Probe.Count);
        Assert.Equal(0, await app.Push.ProcessedCountAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SweepForgetsPushesOnceNoRetryOrReplayCanPass(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, WechatMessageMode.Plain);
        await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1013));
        app.Factory.Clock.Advance(TimeSpan.FromSeconds(200));
        await app.Push.PostAsync(WechatPush.TextXml("oAlice", "count", 1014));

        // Until the push's timestamp leaves the window (±300 s).
        app.Factory.Clock.Advance(TimeSpan.FromSeconds(101));
        Assert.Equal(1, app.App.Services.GetRequiredService<DeliveryMemory>().Sweep());
        var swept = await app.App.Services.GetRequiredService<ProcessedMessageStore>().SweepAsync(CancellationToken.None);

        Assert.Equal(RowsFor(provider, 1), swept);
        Assert.Equal(RowsFor(provider, 1), await app.Push.ProcessedCountAsync());
    }

    /// <summary>The app in the given mode with <see cref="CountingHandler"/> registered as a feature would.</summary>
    internal static async Task<TestApp> StartAsync(StorageProvider provider, WechatMessageMode mode)
    {
        var factory = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?> { ["Wechat:MessageMode"] = mode.ToString() });
        var probe = new HandlerProbe();
        var configured = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton(probe);
            services.AddWechatMessageHandler<CountingHandler>();
        }));
        return new TestApp(factory, configured, probe, new WechatPush(configured, factory.Clock));
    }

    internal sealed record TestApp(WxBindFactory Factory, WebApplicationFactory<Program> App, HandlerProbe Probe, WechatPush Push) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
