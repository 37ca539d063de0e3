using Microsoft.Extensions.DependencyInjection;
using WxBind.Binding;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Orders.OrdersTestKit;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.Orders;

/// <summary>订单 and the MY_ORDERS menu item, through the emulator, and where their links lead.</summary>
public sealed class OrderCommandTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task OrdersTextAndMenuClickListTheFollowersOwnOrdersOnly(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var me = await BoundFollowerAsync(app);
        var other = await BoundFollowerAsync(app);
        var mine = await PlaceAsync(me.Account.Browser, ("mug", 2));
        var theirs = await PlaceAsync(other.Account.Browser, ("coffee", 1));

        foreach (var reply in new[] { SimClient.ReplyText(await me.Sim.TextAsync(me.OpenId, "订单")), SimClient.ReplyText(await me.Sim.ClickAsync(me.OpenId, "MY_ORDERS")) })
        {
            Assert.NotNull(reply);
            Assert.Contains($"#{mine} 2 × 马克杯 ¥78.00 待付款", reply, StringComparison.Ordinal);
            Assert.DoesNotContain($"#{theirs} ", reply, StringComparison.Ordinal);
            Assert.Equal("http://localhost/wx/orders", LinkIn(reply));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundFollowerGetsTheLoginLinkAndEndsOnWxOrdersAfterBinding(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var reply = SimClient.ReplyText(await sim.ClickAsync(openId, "MY_ORDERS"));
        Assert.Contains("尚未绑定", reply, StringComparison.Ordinal);
        var link = LinkIn(reply);
        Assert.StartsWith("http://localhost/wx/login?", link, StringComparison.Ordinal);

        var done = await RegisterInWechatAsync(sim, openId, link, NewEmail(), "新买家");
        var body = done.GetProperty("body").GetString()!;
        Assert.Contains("data-testid=\"wx-done\"", body, StringComparison.Ordinal);
        Assert.Contains("href=\"/wx/orders\"", body, StringComparison.Ordinal);

        var orders = await sim.OpenAsync(openId, "http://localhost/wx/orders");
        Assert.Equal("http://localhost/wx/orders", orders.GetProperty("finalUrl").GetString());
        Assert.Contains("data-testid=\"order-form\"", orders.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WxOrdersWithoutTheSiteCookieProvesTheOpenidByOAuthAndPlacesAnOrder(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        // Bound without ever using the in-WeChat browser, so it holds no site cookie.
        var account = await WxBind.Tests.Admin.AdminTestKit.RegisterAsync(app, "扫码买家");
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);
        using (var scope = app.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<BindingService>().BindOpenIdAsync(account.UserId, openId, "test", CancellationToken.None);
            Assert.Equal(BindResult.Bound, outcome.Result);
        }

        var page = await sim.OpenAsync(openId, "http://localhost/wx/orders");
        Assert.Equal("http://localhost/wx/orders", page.GetProperty("finalUrl").GetString());
        Assert.Contains(page.GetProperty("visited").EnumerateArray(), v => v.GetString()!.Contains("/connect/oauth2/authorize", StringComparison.Ordinal));
        var me = new Follower(account, openId, sim);

        var placed = await SubmitInWechatAsync(me.Sim, me.OpenId, "http://localhost/wx/orders", new() { ["Quantities[tshirt]"] = "3" });
        Assert.Contains("data-testid=\"order-placed\"", placed.GetProperty("body").GetString(), StringComparison.Ordinal);
        var desktop = await me.Account.Browser.GetStringAsync("/account/orders");
        Assert.Contains("3 × T 恤", desktop, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnknownTextAndTheHelpClickGetTheHelpListingTheCommands(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var help = SimClient.ReplyText(await sim.TextAsync(openId, "随便说点什么"));
        Assert.Equal(WxBind.Callback.HelpReplyHandler.HelpText, help);
        Assert.Equal(WxBind.Callback.HelpReplyHandler.HelpText, SimClient.ReplyText(await sim.ClickAsync(openId, "HELP")));
        // The help names exactly the commands that exist, and each is answered by something other than the help.
        var named = System.Text.RegularExpressions.Regex.Matches(help!, "「([^」]+)」").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["绑定", "解绑", "订单", "活动"], named);
        foreach (var command in named)
        {
            Assert.NotEqual(help, SimClient.ReplyText(await sim.TextAsync(openId, command)));
        }
    }
}
