using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using WxBind.Tests.Infrastructure;
using static WxBind.ClusterTests.PhoneSteps;

namespace WxBind.ClusterTests;

/// <summary>
/// An offline event through the balancer: the administrator sets it up, a follower signs up in
/// WeChat and checks in by scanning the door screen's code, and the door's live count moves. The
/// door code is issued by one instance, drawn by another and scanned (WeChat's push) on a third,
/// and the live counts are streamed by every instance, so the check-in completes only if no
/// instance keeps what the others need, and only through a balancer that is not sticky.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed partial class EventCheckInTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task FollowerChecksInAtTheDoorAcrossInstancesAndTheDoorCountMoves()
    {
        var access = AccessLog.Open(cluster);

        // An administrator (granted with the app's own command) creates and publishes an event
        // that starts in half an hour, so check-in is open.
        using var admin = cluster.NewBrowser();
        await cluster.GrantAdminAsync(await admin.RegisterAsync());
        var title = "集群路演 " + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.Client.SubmitFormAsync("/admin/events/new", EventForm(title, DateTimeOffset.UtcNow.AddMinutes(30)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var eventPath = created.Headers.Location!.OriginalString;
        var eventId = eventPath["/admin/events/".Length..];
        await admin.Client.SubmitFormAsync(eventPath, new Dictionary<string, string>(), $"{eventPath}?handler=Publish");
        Assert.Equal("published", await cluster.ScalarAsync<string>("SELECT status FROM events WHERE id = @eventId", new { eventId }));

        // A bound follower sends 活动 and signs up with one tap in the in-WeChat browser.
        var (_, openId) = await BoundUserAsync(cluster);
        var phone = cluster.Phone();
        var eventLink = Links(SimClient.ReplyText(await phone.TextAsync(openId, "活动"))).Single(l => l.EndsWith("/wx/events/" + eventId, StringComparison.Ordinal));
        var signedUp = await SubmitAsync(phone, openId, eventLink, new Dictionary<string, string>(), eventLink + "?handler=SignUp");
        Assert.Contains("data-testid=\"event-registered\"", signedUp.GetProperty("body").GetString(), StringComparison.Ordinal);

        // The door screen, and its live count opened once per instance.
        var doorPage = await admin.Http.GetAsync($"{eventPath}/door");
        Assert.Equal(HttpStatusCode.OK, doorPage.StatusCode);
        var door = await doorPage.Content.ReadAsStringAsync();
        var streams = new List<PageEvents>();
        try
        {
            for (var i = 0; i < ClusterFixture.Instances; i++)
            {
                var stream = await admin.OpenStreamAsync(Attribute(door, "data-live"));
                streams.Add(stream);
                Assert.Equal((1, 0), Counts(await stream.NextDataAsync()));
            }
            Assert.True(streams.Select(s => s.Instance).Distinct().Count() >= 2, "Every live stream is on one instance: " + string.Join(",", streams.Select(s => s.Instance)));

            // The door page's script asks for a code (with the page's antiforgery token) and draws it.
            using var next = new HttpRequestMessage(HttpMethod.Post, Attribute(door, "data-code"));
            next.Headers.Add("RequestVerificationToken", Attribute(door, "data-token"));
            var codeResponse = await admin.Http.SendAsync(next);
            Assert.Equal(HttpStatusCode.OK, codeResponse.StatusCode);
            var issuedBy = ClusterBrowser.Instance(codeResponse);
            var image = (await codeResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("image").GetString()!;
            var drawing = await admin.Http.GetAsync(image);
            Assert.Equal("image/png", drawing.Content.Headers.ContentType?.MediaType);
            Assert.NotEqual(issuedBy, ClusterBrowser.Instance(drawing));
            var doorCode = await WechatUrlOfAsync(image[(image.LastIndexOf('/') + 1)..]);

            // The follower scans it: the emulator pushes the scan to the balancer.
            var atScan = AccessLog.Open(cluster);
            var scan = await phone.ScanAsync(openId, doorCode);
            Assert.StartsWith("签到成功，你是第 1 位", SimClient.ReplyText(scan), StringComparison.Ordinal);
            var pushes = await atScan.InstancesForAsync("POST", "/wechat/callback", 1);
            Assert.NotEmpty(pushes);
            var scannedOn = pushes[0];
            Assert.NotEqual(issuedBy, scannedOn);
            Assert.Contains(streams, s => s.Instance != scannedOn);
            foreach (var stream in streams)
            {
                Assert.Equal((1, 1), await CountsOnceAsync(stream, checkedIn: 1));
            }

            // A second scan (in a later second: WeChat's duplicate check on events is per second)
            // says the follower is already checked in and changes nothing but the scan record.
            await Task.Delay(1100);
            var again = await phone.ScanAsync(openId, doorCode);
            Assert.StartsWith("你已于 ", SimClient.ReplyText(again), StringComparison.Ordinal);
            Assert.Contains("签到（第 1 位），无需再次扫码", SimClient.ReplyText(again), StringComparison.Ordinal);
            foreach (var stream in streams)
            {
                // The scan is counted (lastScan) on every instance's stream; the check-ins stay at 1.
                Assert.Equal((1, 1), Counts(await stream.NextDataAsync()));
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }

        Assert.Equal(1L, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM event_registrations WHERE event_id = @eventId AND checked_in_at IS NOT NULL", new { eventId }));
        Assert.Equal(
            ["ok", "already"],
            (await cluster.ScalarAsync<string>("SELECT string_agg(outcome, ',' ORDER BY id) FROM event_checkins WHERE event_id = @eventId", new { eventId })).Split(','));
        var served = await access.InstancesAsync();
        Assert.True(served.Distinct().Count() == ClusterFixture.Instances, "Not every instance served part of the flow: " + string.Join(",", served.Distinct()));
    }

    /// <summary>The event form as an administrator fills it: wall-clock times in the events' zone (Asia/Shanghai).</summary>
    private static Dictionary<string, string> EventForm(string title, DateTimeOffset startsAt)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        return new()
        {
            ["Input.Title"] = title,
            ["Input.Description"] = "新品发布，现场交流。",
            ["Input.Place"] = "上海 · 一号报告厅",
            ["Input.StartsAt"] = Local(startsAt),
            ["Input.EndsAt"] = Local(startsAt.AddHours(3)),
            ["Input.SignupDeadline"] = Local(startsAt),
            ["Input.Capacity"] = "30",
        };
    }

    /// <summary>The url WeChat encoded in the door code with this scene (the emulator lists the codes it issued).</summary>
    private async Task<string> WechatUrlOfAsync(string scene)
    {
        using var http = new HttpClient { BaseAddress = cluster.Emulator };
        var codes = await http.GetFromJsonAsync<JsonElement>("/emulator/_sim/qrcodes");
        return codes.EnumerateArray().First(c => c.GetProperty("scene").ToString() == scene).GetProperty("url").GetString()!;
    }

    /// <summary>Reads the live stream until its check-in count reaches <paramref name="checkedIn"/>.</summary>
    private static async Task<(int Registered, int CheckedIn)> CountsOnceAsync(PageEvents stream, int checkedIn)
    {
        while (true)
        {
            var counts = Counts(await stream.NextDataAsync());
            if (counts.CheckedIn >= checkedIn)
            {
                return counts;
            }
        }
    }

    private static (int Registered, int CheckedIn) Counts(JsonElement data) =>
        (data.GetProperty("registered").GetInt32(), data.GetProperty("checkedIn").GetInt32());

    private static string Attribute(string html, string name)
    {
        var match = Regex.Match(html, name + "=\"([^\"]*)\"");
        Assert.True(match.Success, $"No {name} on the door page.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static IEnumerable<string> Links(string? text)
    {
        Assert.NotNull(text);
        return HrefRegex().Matches(text).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));
    }

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefRegex();
}
