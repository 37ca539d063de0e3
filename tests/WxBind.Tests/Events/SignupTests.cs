using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Events;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using WxBind.Tests.WechatWeb;
using static WxBind.Tests.Events.EventTestKit;

namespace WxBind.Tests.Events;

/// <summary>Sign-up inside WeChat (/wx/events) and on the website (/events/{id}), cancel, and capacity under concurrency.</summary>
public sealed class SignupTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    // A page of the user's with a form, for the antiforgery token of a post the event page no longer offers.
    private const string AnyForm = "/account/logout";

    [Theory, MemberData(nameof(Providers))]
    public async Task BoundFollowerSignsUpInWechatWithOneTapAndIsToldInWechat(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var follower = await BoundFollowerAsync(app, sim);
        var url = $"http://localhost/wx/events/{item.Id}";

        // No site cookie yet: the page proves the WeChat user by OAuth, signs the bound account in and comes back.
        var page = await sim.OpenAsync(follower.OpenId, url);
        Assert.Equal(200, page.GetProperty("status").GetInt32());
        Assert.EndsWith($"/wx/events/{item.Id}", page.GetProperty("finalUrl").GetString(), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"event-signup\"", page.GetProperty("body").GetString(), StringComparison.Ordinal);

        var done = await WechatWebTestKit.SubmitInWechatAsync(sim, follower.OpenId, url + "?handler=SignUp", []);

        Assert.Contains("data-testid=\"event-registered\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.Registered);
        Assert.Contains(await sim.ReceivedTextsAsync(follower.OpenId), t => t.StartsWith("报名成功：" + item.Title, StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task EventsTextListsOpenEventsWithLinksToTheirPages(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var open = await CreateEventAsync(app);
        var draft = await CreateEventAsync(app, status: EventStatus.Draft);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var reply = SimClient.ReplyText(await sim.TextAsync(openId, "活动"));

        Assert.Contains($"<a href=\"http://localhost/wx/events/{open.Id}\">{open.Title}</a>", reply, StringComparison.Ordinal);
        Assert.DoesNotContain(draft.Id, reply, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UnboundWechatUserIsAskedToLogInAndReturnsToTheSignUp(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);

        var page = await sim.OpenAsync(openId, $"http://localhost/wx/events/{item.Id}");

        Assert.EndsWith("/wx/login", page.GetProperty("finalUrl").GetString(), StringComparison.Ordinal);
        var registered = await WechatWebTestKit.SubmitInWechatAsync(sim, openId, "http://localhost/wx/register", WechatWebTestKit.RegisterForm(WechatWebTestKit.NewEmail()));
        Assert.Contains($"href=\"/wx/events/{item.Id}\"", registered.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WebsiteUserSignsUpAndCancellingFreesTheSeat(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var item = await CreateEventAsync(app, capacity: 1);
        var first = await AdminTestKit.RegisterAsync(app, "甲");
        var second = await AdminTestKit.RegisterAsync(app, "乙");
        var url = $"/events/{item.Id}";

        var signedUp = await first.Browser.SubmitFormAsync(url, new Dictionary<string, string>(), url + "?handler=SignUp");
        Assert.Equal($"{url}?notice=signed-up", signedUp.Headers.Location?.OriginalString);
        var full = await second.Browser.GetStringAsync(url);
        Assert.Contains("data-testid=\"event-full\"", full, StringComparison.Ordinal);
        // A page loaded before the last seat went: the post itself is refused.
        var refused = await second.Browser.SubmitFormAsync(AnyForm, new Dictionary<string, string>(), url + "?handler=SignUp");
        Assert.Equal($"{url}?notice=full", refused.Headers.Location?.OriginalString);

        var cancelled = await first.Browser.SubmitFormAsync(url, new Dictionary<string, string>(), url + "?handler=Cancel");
        Assert.Equal($"{url}?notice=cancelled", cancelled.Headers.Location?.OriginalString);
        var retried = await second.Browser.SubmitFormAsync(AnyForm, new Dictionary<string, string>(), url + "?handler=SignUp");

        Assert.Equal($"{url}?notice=signed-up", retried.Headers.Location?.OriginalString);
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.Registered);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SignUpAfterTheDeadlineIsRefusedAndNothingIsStored(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var item = await CreateEventAsync(app, startsIn: TimeSpan.FromMinutes(-10));
        var user = await AdminTestKit.RegisterAsync(app);
        var url = $"/events/{item.Id}";

        var refused = await user.Browser.SubmitFormAsync(AnyForm, new Dictionary<string, string>(), url + "?handler=SignUp");

        Assert.Equal($"{url}?notice=closed", refused.Headers.Location?.OriginalString);
        Assert.Contains("报名已截止", await user.Browser.GetStringAsync(refused.Headers.Location!.OriginalString), StringComparison.Ordinal);
        Assert.Equal(0, (await ReloadAsync(app, item.Id))!.Registered);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DraftOrUnknownEventIsNotFound(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var draft = await CreateEventAsync(app, status: EventStatus.Draft);
        var user = await AdminTestKit.RegisterAsync(app);

        Assert.Equal(HttpStatusCode.NotFound, (await user.Browser.GetAsync($"/events/{draft.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Browser.GetAsync("/events/nope")).StatusCode);
    }

    [Fact]
    public async Task AnonymousWebsiteVisitorIsSentToLogIn()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var item = await CreateEventAsync(app);

        var response = await BrowserClient.Create(app).GetAsync($"/events/{item.Id}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login?returnUrl=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TwoHundredConcurrentSignUpsForFiftySeatsTakeExactlyFifty(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var item = await CreateEventAsync(app, capacity: 50);
        var users = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            users.Add(await InsertUserAsync(app));
        }
        // On PostgreSQL half of them arrive through a second instance on the same database.
        await using var other = provider == StorageProvider.Postgres ? WxBindFactory.SharingDatabaseOf(app) : null;
        var stores = other is null
            ? [app.Services.GetRequiredService<EventStore>()]
            : new[] { app.Services.GetRequiredService<EventStore>(), other.Services.GetRequiredService<EventStore>() };

        var results = await Task.WhenAll(users.Select((userId, i) =>
            Task.Run(() => stores[i % stores.Length].RegisterAsync(item.Id, userId, "test", app.Clock.GetUtcNow(), default))));

        Assert.Equal(50, results.Count(r => r == SignupResult.Registered));
        Assert.Equal(150, results.Count(r => r == SignupResult.Full));
        Assert.Equal(50, (await ReloadAsync(app, item.Id))!.Registered);
        Assert.Equal(50, await AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = @e AND status = 'registered'", new { e = item.Id }));
    }
}
