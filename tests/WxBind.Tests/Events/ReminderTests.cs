using Microsoft.Extensions.DependencyInjection;
using WxBind.Events;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Events.EventTestKit;

namespace WxBind.Tests.Events;

/// <summary>The reminder before an event: to signed-up followers, once per registration.</summary>
public sealed class ReminderTests
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    // The background sender stays out of the way: the tests call the sender themselves.
    private static readonly Dictionary<string, string?> Settings = new() { ["Events:ReminderInterval"] = "01:00:00" };

    private static Task<WxBindFactory> NewAppAsync(StorageProvider provider) => WxBindFactory.CreateAsync(provider, Settings);

    [Theory, MemberData(nameof(Providers))]
    public async Task SignedUpFollowerGetsTheReminderOnce(StorageProvider provider)
    {
        await using var app = await NewAppAsync(provider);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(1));
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, item, follower.UserId);
        var reminders = app.Services.GetRequiredService<EventReminders>();

        await reminders.SendDueAsync(default);
        await reminders.SendDueAsync(default);

        Assert.Equal(1, await TemplatesReceivedAsync(app, follower.OpenId));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NoReminderBeforeItIsDueOrAfterTheStart(StorageProvider provider)
    {
        await using var app = await NewAppAsync(provider);
        var sim = SimClient.For(app);
        var later = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(5));
        var started = await CreateEventAsync(app, startsIn: TimeSpan.FromMinutes(-5));
        var follower = await BoundFollowerAsync(app, sim);
        await SignUpAsync(app, later, follower.UserId);
        await app.Services.GetRequiredService<EventStore>().RegisterAsync(started.Id, follower.UserId, "test", app.Clock.GetUtcNow(), default);

        await app.Services.GetRequiredService<EventReminders>().SendDueAsync(default);

        Assert.Equal(0, await TemplatesReceivedAsync(app, follower.OpenId));
    }

    [PostgresFact]
    public async Task TwoInstancesSendingAtOnceRemindEachFollowerOnce()
    {
        await using var app = await NewAppAsync(StorageProvider.Postgres);
        var sim = SimClient.For(app);
        var item = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(1));
        var followers = new List<Follower>();
        for (var i = 0; i < 5; i++)
        {
            var follower = await BoundFollowerAsync(app, sim);
            await SignUpAsync(app, item, follower.UserId);
            followers.Add(follower);
        }
        await using var other = WxBindFactory.SharingDatabaseOf(app, Settings);

        var claimed = await Task.WhenAll(
            app.Services.GetRequiredService<EventReminders>().SendDueAsync(default),
            other.Services.GetRequiredService<EventReminders>().SendDueAsync(default));

        // Each registration was taken by exactly one instance, and nobody got a second reminder.
        Assert.Equal(5, claimed.Sum());
        foreach (var follower in followers)
        {
            Assert.InRange(await TemplatesReceivedAsync(app, follower.OpenId), 0, 1);
        }
        Assert.Equal(5, await WxBind.Tests.Admin.AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = @e AND reminded_at IS NOT NULL", new { e = item.Id }));
    }
}
