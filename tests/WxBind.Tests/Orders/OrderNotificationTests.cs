using System.Net;
using System.Net.Http.Json;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Orders.OrdersTestKit;

namespace WxBind.Tests.Orders;

/// <summary>A status change told to the bound follower, and each of WeChat's refusals recorded and shown.</summary>
public sealed class OrderNotificationTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private const string TemplateSend = "/cgi-bin/message/template/send";
    private const string CustomSend = "/cgi-bin/message/custom/send";

    private static Task<WxBindFactory> AppAsync(StorageProvider provider, string? templateId) =>
        WxBindFactory.CreateAsync(provider, new Dictionary<string, string?>(AppFixture.SharedSettings) { ["Wechat:Templates:OrderStatus"] = templateId }, AddForcedErrors);

    [Theory, MemberData(nameof(Providers))]
    public async Task ShippingReachesThePhoneAsATemplateMessageAndIsAudited(StorageProvider provider)
    {
        await using var app = await AppAsync(provider, "TEMPLATE_DEFAULT");
        var buyer = await BoundFollowerAsync(app);
        var admin = await AdminTestKit.AdminAsync(app);
        var id = await PlaceAsync(buyer.Account.Browser, ("mug", 1));

        Assert.Equal(HttpStatusCode.OK, (await AdminMoveAsync(admin, id, "paid")).Status);
        var (status, html) = await AdminMoveAsync(admin, id, "shipped");

        Assert.Equal(HttpStatusCode.OK, status);
        var template = Assert.Single(await InboxAsync(app, buyer.OpenId, "template"));
        Assert.Equal("TEMPLATE_DEFAULT", template.GetProperty("templateId").GetString());
        Assert.Equal("已发货", Value(template, "keyword2"));
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(template, "keyword1"));
        Assert.Equal("http://localhost/wx/orders", template.GetProperty("url").GetString());
        Assert.Contains("data-outcome=\"sent\"", html, StringComparison.Ordinal);
        // paid is not told; shipped is, once.
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM wechat_deliveries WHERE purpose = @p", new { p = $"order_status:{id}" }));
        Assert.Equal(2, await CountAsync(app, "SELECT COUNT(*) FROM admin_audit WHERE action = 'order.status' AND subject = @u", new { u = buyer.Account.UserId }));
        Assert.Equal("shipped", (await buyer.Account.Browser.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/orders/{id}")).GetProperty("status").GetString());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WithoutATemplateTheFollowerGetsACustomerServiceMessage(StorageProvider provider)
    {
        await using var app = await AppAsync(provider, null);
        var buyer = await BoundFollowerAsync(app);
        var id = await PlaceAsync(buyer.Account.Browser, ("coffee", 1));

        // The buyer cancels through the API: told the same way.
        Assert.Equal(HttpStatusCode.OK, (await buyer.Account.Browser.Http.PostAsync($"/api/orders/{id}/cancel", null)).StatusCode);

        var custom = await InboxAsync(app, buyer.OpenId, "custom");
        Assert.Contains(custom, m => m.GetProperty("content").GetString()!.Contains($"#{id}", StringComparison.Ordinal)
            && m.GetProperty("content").GetString()!.Contains("已取消", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ExpiredAccessTokenIsRefreshedAndTheSendRetriedOnce(StorageProvider provider)
    {
        await using var app = await AppAsync(provider, "TEMPLATE_DEFAULT");
        var buyer = await BoundFollowerAsync(app);
        var admin = await AdminTestKit.AdminAsync(app);
        var id = await PlaceAsync(buyer.Account.Browser, ("mug", 1));
        await AdminMoveAsync(admin, id, "paid");
        await app.CreateClient().PostAsJsonAsync("/emulator/_sim/faults", new { forceInvalidToken = true });

        var (_, html) = await AdminMoveAsync(admin, id, "shipped");

        Assert.Single(await InboxAsync(app, buyer.OpenId, "template"));
        Assert.Equal("sent", await AdminTestKit.ScalarAsync<string>(app, "SELECT outcome FROM wechat_deliveries WHERE purpose = @p", new { p = $"order_status:{id}" }));
        Assert.Contains("data-outcome=\"sent\"", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnfollowedUserAndUnknownTemplateAreRecordedAndShown(StorageProvider provider)
    {
        // 43004 from the emulator's own rule for non-followers.
        await using (var app = await AppAsync(provider, "TEMPLATE_DEFAULT"))
        {
            var buyer = await BoundFollowerAsync(app);
            var admin = await AdminTestKit.AdminAsync(app);
            var id = await PlaceAsync(buyer.Account.Browser, ("mug", 1));
            await buyer.Sim.UnfollowAsync(buyer.OpenId);
            var (status, html) = await AdminMoveAsync(admin, id, "cancelled");
            Assert.Equal(HttpStatusCode.OK, status);
            AssertRefusalShown(html, 43004);
            await AssertRecordedOnceAsync(app, id, 43004);
        }
        // 40037: a template id the account does not own.
        await using (var app = await AppAsync(provider, "TPL_NOT_OWNED"))
        {
            var buyer = await BoundFollowerAsync(app);
            var admin = await AdminTestKit.AdminAsync(app);
            var id = await PlaceAsync(buyer.Account.Browser, ("mug", 1));
            var (_, html) = await AdminMoveAsync(admin, id, "cancelled");
            AssertRefusalShown(html, 40037);
            await AssertRecordedOnceAsync(app, id, 40037);
            Assert.Empty(await InboxAsync(app, buyer.OpenId, "template"));
        }
    }

    public static TheoryData<string, int> ForcedRefusals => new()
    {
        { TemplateSend, 43004 },
        { CustomSend, 43004 },
        { TemplateSend, 40037 },
        { TemplateSend, 43101 },
        { TemplateSend, 45009 },
        { CustomSend, 45015 },
        { CustomSend, 45047 },
    };

    [Theory, MemberData(nameof(ForcedRefusals))]
    public async Task EachRefusalIsRecordedShownAndNotRetried(string api, int errCode)
    {
        foreach (var provider in AllProviders)
        {
            await using var app = await AppAsync(provider, api == TemplateSend ? "TEMPLATE_DEFAULT" : null);
            var buyer = await BoundFollowerAsync(app);
            var admin = await AdminTestKit.AdminAsync(app);
            var id = await PlaceAsync(buyer.Account.Browser, ("tshirt", 1));
            var forced = app.Services.GetService(typeof(ForcedWechatErrors)) as ForcedWechatErrors;
            forced!.Force(api, errCode);

            var (status, html) = await AdminMoveAsync(admin, id, "cancelled");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, forced.Calls(api));
            AssertRefusalShown(html, errCode);
            await AssertRecordedOnceAsync(app, id, errCode);
            // The change itself stands: the refusal is about the message, not the order.
            Assert.Equal("cancelled", await AdminTestKit.ScalarAsync<string>(app, "SELECT status FROM orders WHERE id = @id", new { id }));
            // Shown again on a later visit, from the record.
            AssertRefusalShown(await admin.Browser.GetStringAsync("/admin/orders"), errCode);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task InvalidAccessTokenIsRetriedOnceThroughTheTokenRuleThenRecorded(StorageProvider provider)
    {
        await using var app = await AppAsync(provider, "TEMPLATE_DEFAULT");
        var buyer = await BoundFollowerAsync(app);
        var admin = await AdminTestKit.AdminAsync(app);
        var id = await PlaceAsync(buyer.Account.Browser, ("mug", 1));
        var forced = (ForcedWechatErrors)app.Services.GetService(typeof(ForcedWechatErrors))!;
        // WeChat keeps answering 40001, whatever the token.
        forced.Force(TemplateSend, 40001);
        var tokensBefore = await TokenFetchesAsync(app);

        var (status, html) = await AdminMoveAsync(admin, id, "cancelled");

        Assert.Equal(HttpStatusCode.OK, status);
        // The first try, one fresh token, one retry with it; then the outcome, not a loop.
        Assert.Equal(2, forced.Calls(TemplateSend));
        Assert.Equal(tokensBefore + 1, await TokenFetchesAsync(app));
        AssertRefusalShown(html, 40001);
        await AssertRecordedOnceAsync(app, id, 40001);
        Assert.Equal("cancelled", await AdminTestKit.ScalarAsync<string>(app, "SELECT status FROM orders WHERE id = @id", new { id }));
    }

    /// <summary>How many access tokens the emulator has handed out (cgi-bin/token and stable_token).</summary>
    private static async Task<int> TokenFetchesAsync(WxBindFactory app)
    {
        var counts = await app.CreateClient().GetFromJsonAsync<System.Text.Json.JsonElement>("/emulator/_sim/tokens");
        return counts.GetProperty("token").GetInt32() + counts.GetProperty("stableToken").GetInt32();
    }

    /// <summary>A template field as the phone shows it (the emulator keeps either the value or WeChat's {value} object).</summary>
    private static string? Value(System.Text.Json.JsonElement template, string field)
    {
        var data = template.GetProperty("data").GetProperty(field);
        return data.ValueKind == System.Text.Json.JsonValueKind.Object ? data.GetProperty("value").GetString() : data.GetString();
    }

    /// <summary>What the administrator reads beside each errcode.</summary>
    private static readonly Dictionary<int, string> Meanings = new()
    {
        [40001] = "access_token 无效或已过期",
        [40037] = "模板 ID 无效",
        [43004] = "用户未关注公众号",
        [43101] = "用户拒收此类消息",
        [45009] = "接口调用已达今日上限",
        [45015] = "超出 48 小时回复时限",
        [45047] = "客服消息条数已达上限",
    };

    private static void AssertRefusalShown(string html, int errCode)
    {
        Assert.Contains($"data-outcome=\"refused\" data-errcode=\"{errCode}\"", html, StringComparison.Ordinal);
        Assert.Contains($"{errCode} {Meanings[errCode]}", html, StringComparison.Ordinal);
    }

    private static async Task AssertRecordedOnceAsync(WxBindFactory app, long orderId, int errCode)
    {
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM wechat_deliveries WHERE purpose = @p", new { p = $"order_status:{orderId}" }));
        Assert.Equal(errCode, await AdminTestKit.ScalarAsync<int>(app, "SELECT errcode FROM wechat_deliveries WHERE purpose = @p AND outcome = 'refused'", new { p = $"order_status:{orderId}" }));
    }
}
