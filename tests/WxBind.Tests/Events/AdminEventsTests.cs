using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WxBind.Events;
using WxBind.Localization;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Events.EventTestKit;

namespace WxBind.Tests.Events;

/// <summary>/admin/events: the event's life, the door screen's codes, the attendee list's actions and export.</summary>
public sealed class AdminEventsTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static Dictionary<string, string> Form(string title = "秋季路演", int capacity = 30) => new()
    {
        ["Input.Title"] = title,
        ["Input.Description"] = "介绍",
        ["Input.Place"] = "北京 · 报告厅",
        ["Input.StartsAt"] = "2026-12-01T14:00",
        ["Input.EndsAt"] = "2026-12-01T17:00",
        ["Input.SignupDeadline"] = "2026-12-01T12:00",
        ["Input.Capacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Theory, MemberData(nameof(Providers))]
    public async Task AdministratorCreatesEditsPublishesAndCancelsAnEvent(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);

        var created = await admin.Browser.SubmitFormAsync("/admin/events/new", Form());
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var path = created.Headers.Location!.OriginalString;
        var id = path["/admin/events/".Length..];
        var item = (await ReloadAsync(app, id))!;
        Assert.Equal((EventStatus.Draft, 30, "秋季路演"), (item.Status, item.Capacity, item.Title));
        // 14:00 in Asia/Shanghai is 06:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero), item.StartsAt);

        await admin.Browser.SubmitFormAsync($"{path}/edit", Form("秋季路演（更新）", 40));
        await admin.Browser.SubmitFormAsync(path, new Dictionary<string, string>(), $"{path}?handler=Publish");
        Assert.Equal((EventStatus.Published, 40), ((await ReloadAsync(app, id))!.Status, (await ReloadAsync(app, id))!.Capacity));
        Assert.Contains("秋季路演（更新）", await admin.Browser.GetStringAsync("/admin/events"), StringComparison.Ordinal);

        await admin.Browser.SubmitFormAsync(path, new Dictionary<string, string>(), $"{path}?handler=CancelEvent");
        Assert.Equal(EventStatus.Cancelled, (await ReloadAsync(app, id))!.Status);
        Assert.Equal(4, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM admin_audit WHERE subject = @id AND action LIKE 'event.%'", new { id }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BadEventFormIsAnsweredAndStoresNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var before = await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM events");
        var form = Form();
        form["Input.EndsAt"] = "2026-12-01T13:00";
        form["Input.Capacity"] = "0";

        var response = await admin.Browser.SubmitFormAsync("/admin/events/new", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("结束时间须晚于开始时间", html, StringComparison.Ordinal);
        Assert.Contains("名额须在 1 到 100000 之间", html, StringComparison.Ordinal);
        Assert.Equal(before, await AdminTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM events"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task CapacityCannotDropBelowTheSignUps(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var item = await CreateEventAsync(app, capacity: 5);
        await SignUpAsync(app, item, await InsertUserAsync(app));
        await SignUpAsync(app, item, await InsertUserAsync(app));

        var response = await admin.Browser.SubmitFormAsync($"/admin/events/{item.Id}/edit", Form(capacity: 1));

        Assert.Contains("已有 2 人报名", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, (await ReloadAsync(app, item.Id))!.Capacity);
    }

    [Fact]
    public async Task NonAdministratorIsRefusedEveryEventPage()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var user = await AdminTestKit.RegisterAsync(app);
        var item = await CreateEventAsync(app);

        foreach (var url in new[] { "/admin/events", "/admin/events/new", $"/admin/events/{item.Id}", $"/admin/events/{item.Id}/door", $"/admin/events/{item.Id}/attendees.csv", $"/admin/events/{item.Id}/live" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await user.Browser.GetAsync(url)).StatusCode);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DoorScreenGetsFreshCodesThatStopBeingDrawnOnceExpired(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var item = await CreateEventAsync(app);
        var options = app.Services.GetRequiredService<IOptions<EventsOptions>>().Value;
        var door = await admin.Browser.GetStringAsync($"/admin/events/{item.Id}/door");
        var token = System.Text.RegularExpressions.Regex.Match(door, "data-token=\"([^\"]+)\"").Groups[1].Value;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/events/{item.Id}/door/code");
        request.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(token));
        var response = await admin.Browser.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var image = code.GetProperty("image").GetString()!;
        Assert.Equal(options.DoorCodeSeconds * 1000, code.GetProperty("refreshInMs").GetInt32());
        var png = await admin.Browser.GetAsync(image);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("checkin", await AdminTestKit.ScalarAsync<string>(app,
            "SELECT q.purpose FROM qr_sessions q JOIN event_door_codes d ON d.session_id = q.id WHERE d.event_id = @e", new { e = item.Id }));

        app.Clock.Advance(TimeSpan.FromSeconds(options.DoorCodeSeconds + options.DoorCodeGraceSeconds + 1));
        Assert.Equal(HttpStatusCode.Gone, (await admin.Browser.GetAsync(image)).StatusCode);

        var forged = await admin.Browser.Http.PostAsync($"/admin/events/{item.Id}/door/code", null);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task DoorOfAnEventThatIsNotOpenSaysWhyAndLeadsBackToTheEvent()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var admin = await AdminTestKit.AdminAsync(app);
        var ended = await CreateEventAsync(app, startsIn: TimeSpan.FromHours(-4), length: TimeSpan.FromHours(3));
        var draft = await CreateEventAsync(app, status: EventStatus.Draft);

        foreach (var (item, why) in new[] { (ended, "活动已结束"), (draft, "发布后才能签到") })
        {
            var door = await admin.Browser.GetStringAsync($"/admin/events/{item.Id}/door");
            Assert.Contains("data-testid=\"door-closed\"", door, StringComparison.Ordinal);
            Assert.Contains(why, door, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"door-qr\"", door, StringComparison.Ordinal);
            Assert.Contains($"href=\"/admin/events/{item.Id}\" data-testid=\"door-back\"", door, StringComparison.Ordinal);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ManualCheckInAndUndoAreRecordedInTheAudit(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var item = await CreateEventAsync(app);
        var attendee = await AdminTestKit.RegisterAsync(app, "王五");
        await SignUpAsync(app, item, attendee.UserId);
        var path = $"/admin/events/{item.Id}";
        var form = new Dictionary<string, string> { ["userId"] = attendee.UserId };

        var checkedIn = await admin.Browser.SubmitFormAsync(path, form, $"{path}?handler=CheckIn");
        Assert.Equal($"{path}?notice=checked-in", checkedIn.Headers.Location?.OriginalString);
        Assert.Equal(1, (await ReloadAsync(app, item.Id))!.CheckedIn);

        var undone = await admin.Browser.SubmitFormAsync(path, form, $"{path}?handler=Undo");
        Assert.Equal($"{path}?notice=undone", undone.Headers.Location?.OriginalString);
        Assert.Equal(0, (await ReloadAsync(app, item.Id))!.CheckedIn);
        Assert.Equal(0, await CheckedInRowsAsync(app, item.Id));
        Assert.Equal(1, await AdminTestKit.ScalarAsync<long>(app,
            "SELECT COUNT(*) FROM admin_audit WHERE action = 'checkin.undo' AND subject = @u AND actor_id = @a", new { u = attendee.UserId, a = admin.UserId }));
        Assert.Equal(["ok", "undone"], await OutcomesAsync(app, item.Id));

        // Undoing again changes nothing and says so.
        var again = await admin.Browser.SubmitFormAsync(path, form, $"{path}?handler=Undo");
        Assert.Equal($"{path}?notice=not-checked-in", again.Headers.Location?.OriginalString);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AttendeesAreSearchedByNameOrEmailAndExportedAsCsv(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var item = await CreateEventAsync(app);
        var zhang = await AdminTestKit.RegisterAsync(app, "张三丰");
        var li = await AdminTestKit.RegisterAsync(app, "=HYPERLINK(\"x\")");
        await SignUpAsync(app, item, zhang.UserId);
        await SignUpAsync(app, item, li.UserId);
        await app.Services.GetRequiredService<EventStore>().CheckInAsync(item.Id, zhang.UserId, null, "manual", app.Clock.GetUtcNow(), default);

        var byName = AttendeeTable(await admin.Browser.GetStringAsync($"/admin/events/{item.Id}?q=三丰"));
        Assert.Contains(zhang.Email, byName, StringComparison.Ordinal);
        Assert.DoesNotContain(li.Email, byName, StringComparison.Ordinal);
        var byEmail = AttendeeTable(await admin.Browser.GetStringAsync($"/admin/events/{item.Id}?q={li.Email.ToUpperInvariant()}"));
        Assert.Contains(li.Email, byEmail, StringComparison.Ordinal);
        Assert.DoesNotContain(zhang.Email, byEmail, StringComparison.Ordinal);

        var csv = await admin.Browser.GetAsync($"/admin/events/{item.Id}/attendees.csv");
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var checkedInAt = app.Services.GetRequiredService<SiteClock>().Format(app.Clock.GetUtcNow());
        Assert.Contains(lines, l => l.StartsWith("张三丰," + zhang.Email, StringComparison.Ordinal) && l.Contains(checkedInAt, StringComparison.Ordinal));
        // A name that looks like a formula is defused for spreadsheets.
        Assert.Contains(lines, l => l.StartsWith("\"'=HYPERLINK(\"\"x\"\")\"", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LiveStreamSendsTheCountsAndAChangeAsItHappens(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var item = await CreateEventAsync(app);

        using var stream = await admin.Browser.Http.GetStreamAsync($"/admin/events/{item.Id}/live");
        using var reader = new StreamReader(stream);
        Assert.Contains("\"registered\":0", await NextDataAsync(reader), StringComparison.Ordinal);
        await SignUpAsync(app, item, await InsertUserAsync(app));

        Assert.Contains("\"registered\":1", await NextDataAsync(reader), StringComparison.Ordinal);
    }

    /// <summary>The attendee table alone (the scans below it name people too).</summary>
    private static string AttendeeTable(string html)
    {
        var start = html.IndexOf("data-testid=\"attendees\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "No attendee table.");
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    private static async Task<string> NextDataAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                return line;
            }
        }
        throw new InvalidOperationException("The stream ended.");
    }
}
