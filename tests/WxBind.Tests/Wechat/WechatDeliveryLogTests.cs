using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using WxBind.Wechat;

namespace WxBind.Tests.Wechat;

/// <summary>Every customer-service and template send is recorded with WeChat's answer (the emulator answers).</summary>
public sealed class WechatDeliveryLogTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private sealed class Row
    {
        public string Kind { get; set; } = "";
        public string OpenId { get; set; } = "";
        public string? UserId { get; set; }
        public string? Purpose { get; set; }
        public string? TemplateId { get; set; }
        public int ErrCode { get; set; }
        public string? ErrMsg { get; set; }
        public string Outcome { get; set; } = "";
    }

    private static async Task<Row> LastRowAsync(WxBindFactory app, string openId)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.QuerySingleAsync<Row>(
            "SELECT kind, openid, user_id, purpose, template_id, errcode, errmsg, outcome FROM wechat_deliveries WHERE openid = @openId ORDER BY id DESC LIMIT 1",
            new { openId });
    }

    private static WechatApiClient Client(WxBindFactory app) => app.Services.CreateScope().ServiceProvider.GetRequiredService<WechatApiClient>();

    [Theory, MemberData(nameof(Providers))]
    public async Task AcceptedCustomSendIsRecordedAsSentWithTheBoundUser(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);
        var userId = Guid.NewGuid().ToString("N");
        await using (var connection = await app.Services.GetRequiredService<Database>().OpenForWriteAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at) VALUES (@userId, @e, @n, 'd', 's', 'c', 0)",
                new { userId, e = $"{userId}@example.com", n = $"{userId}@EXAMPLE.COM" });
            await connection.ExecuteAsync("INSERT INTO wechat_bindings (user_id, app_id, openid, subscribed, bound_at) VALUES (@userId, @appId, @openId, @yes, 0)",
                new { userId, appId = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WechatOptions>>().Value.AppId, openId, yes = true });
        }

        await Client(app).SendCustomMessageAsync(new MessageCustomSendRequest { ToUser = openId, MsgType = "text", Text = new() { Content = "你好" }, Purpose = "test_notice" });

        var row = await LastRowAsync(app, openId);
        Assert.Equal(("custom", openId, userId, "test_notice", null, 0, null, "sent"),
            (row.Kind, row.OpenId, row.UserId, row.Purpose, row.TemplateId, row.ErrCode, row.ErrMsg, row.Outcome));
        Assert.Contains("你好", await sim.ReceivedTextsAsync(openId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task CustomSendOutsideTheWindowIsRecordedAsRefused(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var openId = await SimClient.For(app).NewUserAsync();

        var refused = await Assert.ThrowsAsync<WechatApiException>(() => Client(app).SendCustomTextAsync(openId, "hello"));

        var row = await LastRowAsync(app, openId);
        Assert.Equal(("custom", "text", (string?)null, refused.ErrCode, "refused"), (row.Kind, row.Purpose, row.UserId, row.ErrCode, row.Outcome));
        Assert.Equal(WechatErrorCodes.ResponseOutOfTimeLimit, row.ErrCode);
        Assert.False(string.IsNullOrEmpty(row.ErrMsg));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TemplateSendWithUnknownTemplateIsRecordedWithItsTemplateId(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        await Assert.ThrowsAsync<WechatApiException>(() => Client(app).SendTemplateMessageAsync(
            new MessageTemplateSendRequest { ToUser = openId, TemplateId = "no-such-template", Purpose = "order_status" }));

        var row = await LastRowAsync(app, openId);
        Assert.Equal(("template", "order_status", "no-such-template", WechatErrorCodes.InvalidTemplateId, "refused"),
            (row.Kind, row.Purpose, row.TemplateId, row.ErrCode, row.Outcome));
    }

    [Fact]
    public async Task SendThatNeverReachesWechatIsRecordedAsFailed()
    {
        // WeChat's address answers 404 here: a gateway fault, not an answer from WeChat.
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Wechat:ApiBaseUrl"] = "http://localhost/nowhere",
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => Client(app).SendCustomTextAsync("oSomeone123", "hello"));

        var row = await LastRowAsync(app, "oSomeone123");
        Assert.Equal(("custom", WechatErrorCodes.SystemBusy, "failed"), (row.Kind, row.ErrCode, row.Outcome));
    }
}
