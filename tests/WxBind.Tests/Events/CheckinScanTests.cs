using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxBind.Events;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using WxBind.Tests.WechatWeb;
using static WxBind.Tests.Events.EventTestKit;

namespace WxBind.Tests.Events;

/// <summary>Check-in by scanning the door code, through the emulator's scans: every outcome, and that each is recorded.</summary>
public sealed class CheckinScanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task SignedUpFollowerIsCheckedInAndToldTheirNumber(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);

        var outcome = await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));

        Assert.Equal("SCAN", outcome.GetProperty("event").GetString());
        Assert.StartsWith("签到成功，你是第 1 位", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.CheckedIn);
        Assert.Equal(1, await CheckedInRowsAsync(app, item.Id));
        Assert.Equal(["ok"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SecondScanSaysAlreadyCheckedInAndChangesNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);
        var checkedInAt = app.Clock.GetUtcNow();
        await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));
        app.Clock.Advance(TimeSpan.FromSeconds(5));

        var second = await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));

        Assert.Contains($"已于 {Clock(app, checkedInAt)} 签到", SimClient.ReplyText(second), StringComparison.Ordinal);
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.CheckedIn);
        Assert.Equal(["ok", "already"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BoundFollowerWithoutSignUpIsSignedUpAndCheckedIn(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, capacity: 2);
        var follower = await BoundFollowerAsync(app, sim);

        var outcome = await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));

        Assert.StartsWith("签到成功，你是第 1 位", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        var reloaded = (await ReloadAsync(app, item.Id))!;
        Assert.Equal((1, 1), (reloaded.Registered, reloaded.CheckedIn));
        Assert.Equal("registered", await AdminTestKit.ScalarAsync<string>(app,
            "SELECT status FROM event_registrations WHERE event_id = @e AND user_id = @u", new { e = item.Id, u = follower.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WalkInToAFullEventIsToldItIsFullAndNotSignedUp(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, capacity: 1);
        await SignUpAsync(app, item, await InsertUserAsync(app));
        var walkIn = await BoundFollowerAsync(app, sim);

        var outcome = await sim.ScanAsync(walkIn.OpenId, await DoorCodeAsync(app, item));

        Assert.Equal("活动已满，无法报名签到。", SimClient.ReplyText(outcome));
        var reloaded = (await ReloadAsync(app, item.Id))!;
        Assert.Equal((1, 0), (reloaded.Registered, reloaded.CheckedIn));
        Assert.Equal(0, await AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = @e AND user_id = @u", new { e = item.Id, u = walkIn.UserId }));
        Assert.Equal(["full"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ScanBeforeTheDoorOpensSaysWhenItOpens(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(3));
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);

        var outcome = await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));

        var opens = app.Services.GetRequiredService<SiteClock>().Format(item.StartsAt - TimeSpan.FromHours(1));
        Assert.Contains($"还没开始，将于 {opens} 开放", SimClient.ReplyText(outcome), StringComparison.Ordinal);
        Assert.Equal(0, await CheckedInRowsAsync(app, item.Id));
        Assert.Equal(["not_started"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ScanAfterTheEventSaysItHasEnded(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(-4), length: TimeSpan.FromHours(3));
        var follower = await BoundFollowerAsync(app, sim);

        var outcome = await sim.ScanAsync(follower.OpenId, await DoorCodeAsync(app, item));

        Assert.Equal("活动已结束，签到已关闭。", SimClient.ReplyText(outcome));
        Assert.Equal(0, (await ReloadAsync(app, item.Id))!.Registered);
        Assert.Equal(["ended"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task PhotographedCodeScannedAfterItRotatedAndExpiredChecksNobodyIn(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var options = app.Services.GetRequiredService<IOptions<EventsOptions>>().Value;
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);
        var photo = await DoorCodeAsync(app, item);
        app.Clock.Advance(TimeSpan.FromSeconds(options.DoorCodeSeconds + options.DoorCodeGraceSeconds + 1));

        var outcome = await sim.ScanAsync(follower.OpenId, photo);

        Assert.Equal("这个签到码已过期，请扫描现场屏幕上的签到码。", SimClient.ReplyText(outcome));
        Assert.Equal(0, await CheckedInRowsAsync(app, item.Id));
        Assert.Equal(["expired_code"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task CodeScannedJustAfterItRotatedIsStillAccepted(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var options = app.Services.GetRequiredService<IOptions<EventsOptions>>().Value;
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        var code = await DoorCodeAsync(app, item);
        app.Clock.Advance(TimeSpan.FromSeconds(options.DoorCodeSeconds + 1));

        var outcome = await sim.ScanAsync(follower.OpenId, code);

        Assert.StartsWith("签到成功", SimClient.ReplyText(outcome), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundScannerGetsTheLinkAndIsCheckedInOnceBound(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var openId = await sim.NewUserAsync();

        var outcome = await sim.ScanAsync(openId, await DoorCodeAsync(app, item));

        Assert.Equal("subscribe", outcome.GetProperty("event").GetString());
        var link = WechatWebTestKit.LinkIn(SimClient.ReplyText(outcome));
        Assert.Contains("return=" + Uri.EscapeDataString($"/wx/events/{item.Id}"), link, StringComparison.Ordinal);
        Assert.Equal(["unbound"], await OutcomesAsync(app, item.Id));

        var registered = await WechatWebTestKit.RegisterInWechatAsync(sim, openId, link, WechatWebTestKit.NewEmail(), "新朋友");
        Assert.Equal(200, registered.GetProperty("status").GetInt32());
        var page = await sim.OpenAsync(openId, $"http://localhost/wx/events/{item.Id}");

        Assert.Contains("签到成功，你是第 1 位", page.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains(await sim.ReceivedTextsAsync(openId), t => t.StartsWith("签到成功，你是第 1 位", StringComparison.Ordinal));
        Assert.Equal(1, await CheckedInRowsAsync(app, item.Id));
        Assert.Equal(["unbound", "ok"], await OutcomesAsync(app, item.Id));

        // Used once: opening the page again checks nobody in again.
        await sim.OpenAsync(openId, $"http://localhost/wx/events/{item.Id}");
        Assert.Equal(["unbound", "ok"], await OutcomesAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task PendingCheckInLapsesAfterItsMinutes(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var minutes = app.Services.GetRequiredService<IOptions<EventsOptions>>().Value.PendingCheckinMinutes;
        var item = await CreateEventAsync(app);
        var openId = await sim.NewUserAsync();
        var link = WechatWebTestKit.LinkIn(SimClient.ReplyText(await sim.ScanAsync(openId, await DoorCodeAsync(app, item))));
        await WechatWebTestKit.RegisterInWechatAsync(sim, openId, link, WechatWebTestKit.NewEmail());
        app.Clock.Advance(TimeSpan.FromMinutes(minutes) + TimeSpan.FromSeconds(1));

        var page = await sim.OpenAsync(openId, $"http://localhost/wx/events/{item.Id}");

        Assert.DoesNotContain("签到成功", page.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CheckedInRowsAsync(app, item.Id));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TwentyConcurrentScansOfOneAttendeeCheckInOnce(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);
        // Twenty codes, so that WeChat's duplicate filter (same user, second and scene) does not merge the scans.
        var codes = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            codes.Add(await DoorCodeAsync(app, item));
        }

        var outcomes = await Task.WhenAll(codes.Select(code => sim.ScanAsync(follower.OpenId, code)));

        var replies = outcomes.Select(SimClient.ReplyText).ToList();
        Assert.Single(replies, r => r!.StartsWith("签到成功", StringComparison.Ordinal));
        Assert.Equal(19, replies.Count(r => r!.Contains("已于", StringComparison.Ordinal)));
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.CheckedIn);
        var recorded = await OutcomesAsync(app, item.Id);
        Assert.Equal((1, 19), (recorded.Count(o => o == "ok"), recorded.Count(o => o == "already")));
    }
}
