using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Binding;
using WxBind.Events;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Events;

/// <summary>Events, bound followers, door codes and database reads for the events tests.</summary>
internal static class EventTestKit
{
    public sealed record Follower(string OpenId, string UserId, string Email);

    /// <summary>A published event starting <paramref name="startsIn"/> from the app's clock (default: in 30 minutes, door open).</summary>
    public static async Task<OfflineEvent> CreateEventAsync(WxBindFactory app, int capacity = 50, TimeSpan? startsIn = null, TimeSpan? length = null, string status = EventStatus.Published)
    {
        var now = app.Clock.GetUtcNow();
        var id = Guid.NewGuid().ToString("N")[..16];
        var starts = now + (startsIn ?? TimeSpan.FromMinutes(30));
        var item = new OfflineEvent
        {
            Id = id,
            Title = "产品路演 " + id[..4],
            Description = "新品发布与交流",
            Place = "上海 · 会议室 A",
            StartsAt = starts,
            EndsAt = starts + (length ?? TimeSpan.FromHours(3)),
            SignupDeadline = starts,
            Capacity = capacity,
            Status = status,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await app.Services.GetRequiredService<EventStore>().InsertAsync(item, default);
        return item;
    }

    /// <summary>A website account bound to a following simulated WeChat user.</summary>
    public static async Task<Follower> BoundFollowerAsync(WxBindFactory app, SimClient sim, string name = "参会者")
    {
        var userId = await InsertUserAsync(app, name);
        var openId = await sim.NewUserAsync();
        await sim.FollowAsync(openId);
        using var scope = app.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<BindingService>().BindOpenIdAsync(userId, openId, "test", default);
        Assert.Equal(BindResult.Bound, outcome.Result);
        return new Follower(openId, userId, await AdminTestKit.ScalarAsync<string>(app, "SELECT email FROM users WHERE id = @userId", new { userId }));
    }

    /// <summary>An account row without a password (faster than registering when many are needed).</summary>
    public static async Task<string> InsertUserAsync(WxBindFactory app, string name = "参会者")
    {
        var id = Guid.NewGuid().ToString();
        var email = $"e{Guid.NewGuid():N}@example.com";
        await AdminTestKit.ExecuteAsync(app,
            """
            INSERT INTO users (id, email, normalized_email, display_name, security_stamp, concurrency_stamp, created_at)
            VALUES (@id, @email, @normalized, @name, 'x', 'x', 0)
            """, new { id, email, normalized = email.ToUpperInvariant(), name });
        return id;
    }

    public static async Task SignUpAsync(WxBindFactory app, OfflineEvent item, string userId)
    {
        using var scope = app.Services.CreateScope();
        Assert.Equal(SignupResult.Registered, await scope.ServiceProvider.GetRequiredService<EventService>().SignUpAsync(item, userId, "test", default));
    }

    /// <summary>A fresh door code of the event, as the door screen would show it: its WeChat url.</summary>
    public static async Task<string> DoorCodeAsync(WxBindFactory app, OfflineEvent item) =>
        (await app.Services.GetRequiredService<DoorCodes>().IssueAsync(item, default)).QrUrl;

    public static async Task<IReadOnlyList<string>> OutcomesAsync(WxBindFactory app, string eventId)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.QueryAsync<string>("SELECT outcome FROM event_checkins WHERE event_id = @eventId ORDER BY id", new { eventId })).ToList();
    }

    public static Task<OfflineEvent?> ReloadAsync(WxBindFactory app, string eventId) =>
        app.Services.GetRequiredService<EventStore>().GetAsync(eventId, default);

    public static Task<long> CheckedInRowsAsync(WxBindFactory app, string eventId) =>
        AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM event_registrations WHERE event_id = @eventId AND checked_in_at IS NOT NULL", new { eventId });

    /// <summary>Template messages the user received.</summary>
    public static async Task<int> TemplatesReceivedAsync(WxBindFactory app, string openId)
    {
        var inbox = await app.CreateClient().GetFromJsonAsync<JsonElement>($"/emulator/_sim/inbox?openid={Uri.EscapeDataString(openId)}");
        var items = inbox.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.Array).Value;
        return items.EnumerateArray().Count(i => i.GetProperty("kind").GetString() == "template");
    }

    /// <summary>The event's wall-clock time of day as replies show it.</summary>
    public static string Clock(WxBindFactory app, DateTimeOffset instant) => app.Services.GetRequiredService<SiteClock>().Clock(instant);
}
