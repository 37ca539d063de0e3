using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Wechat;

/// <summary>The typed client and the shared access-token cache, against <see cref="FakeWechatApi"/>.</summary>
public sealed class WechatApiClientTests
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TokenIsFetchedOnceCachedAndShared(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);

        await app.Client.GetUserInfoAsync("oAlice");
        var info = await app.Client.GetUserInfoAsync("oBob");

        Assert.Equal(1, app.Wechat.Calls("cgi-bin/token"));
        Assert.Equal("oBob", info.OpenId);
        Assert.True(info.IsSubscribed);
        Assert.Equal("TOKEN_1", await app.StoredTokenAsync());
        var tokenRequest = app.Wechat.Requests.First(r => r.Path == "cgi-bin/token");
        Assert.Equal(HttpMethod.Get, tokenRequest.Method);
        Assert.Contains("grant_type=client_credential", tokenRequest.Query, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task FiftyConcurrentCallersCauseOneTokenFetch(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => app.Client.GetUserInfoAsync($"oUser{i}")));

        Assert.Equal(1, app.Wechat.Calls("cgi-bin/token"));
        Assert.Equal(50, app.Wechat.Calls("cgi-bin/user/info"));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TokenIsRefreshedFiveMinutesBeforeExpiry(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);

        await app.Client.GetUserInfoAsync("oAlice");
        app.Factory.Clock.Advance(TimeSpan.FromSeconds(7200 - 301));
        await app.Client.GetUserInfoAsync("oAlice");
        Assert.Equal(1, app.Wechat.Calls("cgi-bin/token"));

        app.Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await app.Client.GetUserInfoAsync("oAlice");
        Assert.Equal(2, app.Wechat.Calls("cgi-bin/token"));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Forced40001IsRecoveredWithOneRefreshAndOneRetry(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);
        await app.Client.GetUserInfoAsync("oAlice");
        app.Wechat.FailNext("cgi-bin/user/info", WechatErrorCodes.InvalidCredential, "invalid credential, access_token is invalid or not latest rid: 1");

        var info = await app.Client.GetUserInfoAsync("oAlice");

        Assert.Equal("oAlice", info.OpenId);
        Assert.Equal(2, app.Wechat.Calls("cgi-bin/token"));
        Assert.Equal(3, app.Wechat.Calls("cgi-bin/user/info"));
        Assert.Equal("TOKEN_2", await app.StoredTokenAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RejectionOfAnAlreadyReplacedTokenKeepsTheNewOne(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);
        await app.Client.GetUserInfoAsync("oAlice");
        // Another instance refreshed: WeChat now only knows TOKEN_2, and the shared row holds it,
        // while this process still has TOKEN_1 in memory.
        var replacement = app.Wechat.IssueToken();
        await using (var connection = await app.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE wechat_tokens SET access_token = @replacement", new { replacement });
        }

        var info = await app.Client.GetUserInfoAsync("oBob");

        Assert.Equal("oBob", info.OpenId);
        Assert.Equal(1, app.Wechat.Calls("cgi-bin/token"));
        Assert.Equal(replacement, await app.StoredTokenAsync());
        Assert.Equal(3, app.Wechat.Calls("cgi-bin/user/info"));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task NonZeroErrcodeBecomesWechatApiExceptionWithoutRetry(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);
        app.Wechat.FailNext("cgi-bin/message/custom/send", WechatErrorCodes.ResponseOutOfTimeLimit, "response out of time limit or subscription is canceled rid: 2");

        var error = await Assert.ThrowsAsync<WechatApiException>(() => app.Client.SendCustomTextAsync("oAlice", "hi"));

        Assert.Equal(45015, error.ErrCode);
        Assert.Equal("cgi-bin/message/custom/send", error.Api);
        Assert.StartsWith("response out of time limit", error.ErrMsg, StringComparison.Ordinal);
        Assert.Equal(1, app.Wechat.Calls("cgi-bin/message/custom/send"));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TokenFetchFailureIsReportedNotRetried(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);
        app.Wechat.FailNext("cgi-bin/token", WechatErrorCodes.InvalidAppSecret, "invalid appsecret rid: 3");

        var error = await Assert.ThrowsAsync<WechatApiException>(() => app.Client.GetUserInfoAsync("oAlice"));

        Assert.Equal(WechatErrorCodes.InvalidAppSecret, error.ErrCode);
        Assert.Equal(1, app.Wechat.Calls("cgi-bin/token"));
        Assert.Null(await app.StoredTokenAsync());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task StableTokenModePostsToStableToken(StorageProvider provider)
    {
        await using var app = await StartAsync(provider, new() { ["Wechat:UseStableToken"] = "true" });

        await app.Client.GetUserInfoAsync("oAlice");

        Assert.Equal(0, app.Wechat.Calls("cgi-bin/token"));
        var request = Assert.Single(app.Wechat.Requests, r => r.Path == "cgi-bin/stable_token");
        Assert.Equal(HttpMethod.Post, request.Method);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("client_credential", (string?)body["grant_type"]);
        Assert.Equal(app.Options.AppId, (string?)body["appid"]);
        Assert.Equal(app.Options.AppSecret, (string?)body["secret"]);
        Assert.False((bool)body["force_refresh"]!);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RequestsHaveWechatsWireShape(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);

        var qr = await app.Client.CreateQrcodeAsync(QrcodeCreateRequest.ForStrScene("bind-abc", 300));
        await app.Client.SendCustomNewsAsync("oAlice", new WechatArticle("标题", "D", "https://example.com/a"));
        var template = await app.Client.SendTemplateMessageAsync(new MessageTemplateSendRequest
        {
            ToUser = "oAlice", TemplateId = "T1", Data = { ["keyword1"] = new() { Value = "v" } },
        });
        await app.Client.CreateMenuAsync(new MenuCreateRequest { Button = [new() { Type = "click", Name = "我的订单", Key = "MY_ORDERS" }] });
        var oauth = await app.Client.GetOauth2AccessTokenAsync("CODE");

        Assert.Equal("http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI", qr.Url);
        Assert.Equal(300, qr.ExpireSeconds);
        Assert.Equal(200228332, template.MsgId);
        Assert.Equal("oOauthUser", oauth.OpenId);
        Assert.Equal("""{"expire_seconds":300,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"bind-abc"}}}""", Body("cgi-bin/qrcode/create"));
        Assert.Equal("""{"touser":"oAlice","msgtype":"news","news":{"articles":[{"title":"标题","description":"D","url":"https://example.com/a"}]}}""", Body("cgi-bin/message/custom/send"));
        Assert.Equal("""{"button":[{"type":"click","name":"我的订单","key":"MY_ORDERS"}]}""", Body("cgi-bin/menu/create"));
        var sns = Assert.Single(app.Wechat.Requests, r => r.Path == "sns/oauth2/access_token");
        Assert.Contains("code=CODE&grant_type=authorization_code", sns.Query, StringComparison.Ordinal);

        string? Body(string path) => app.Wechat.Requests.Single(r => r.Path == path).Body;
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task BuildsAuthorizeAndShowQrcodeUrls(StorageProvider provider)
    {
        await using var app = await StartAsync(provider);

        Assert.Equal(
            $"https://open.weixin.qq.com/connect/oauth2/authorize?appid={app.Options.AppId}&redirect_uri=https%3A%2F%2Fsite.example%2Fwx%2Foauth%2Fcallback%3Fx%3D1" +
            "&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect",
            app.Client.BuildOauth2AuthorizeUrl("https://site.example/wx/oauth/callback?x=1", "abc123"));
        Assert.Equal("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH%2Bab%2F%3D", app.Client.BuildShowQrcodeUrl("gQH+ab/="));
    }

    private static async Task<ClientApp> StartAsync(StorageProvider provider, Dictionary<string, string?>? settings = null)
    {
        // WeChat's own hosts, not the emulator: these tests talk to a fake that checks the wire.
        var factory = await WxBindFactory.CreateAsync(provider, new Dictionary<string, string?>(settings ?? []) { ["Emulator:Enabled"] = "false", ["Wechat:PublishMenuOnStart"] = "false" });
        var wechat = new FakeWechatApi();
        // The fake replaces the whole client factory: re-pointing the named client would still run the
        // base factory's loopback configuration, which starts a second app on the same database.
        var configured = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
            services.AddSingleton<IHttpClientFactory>(new FakeHttpClientFactory(wechat))));
        return new ClientApp(factory, configured.Services, wechat);
    }

    private sealed class FakeHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name)
        {
            Assert.Equal(WechatApiClient.HttpClientName, name);
            return new HttpClient(handler, disposeHandler: false);
        }
    }

    private sealed record ClientApp(WxBindFactory Factory, IServiceProvider Services, FakeWechatApi Wechat) : IAsyncDisposable
    {
        public WechatApiClient Client => Services.GetRequiredService<WechatApiClient>();

        public WechatOptions Options => Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatOptions>>().Value;

        public async Task<string?> StoredTokenAsync()
        {
            await using var connection = await Services.GetRequiredService<Database>().OpenAsync();
            return await connection.QuerySingleOrDefaultAsync<string>("SELECT access_token FROM wechat_tokens");
        }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }
}
