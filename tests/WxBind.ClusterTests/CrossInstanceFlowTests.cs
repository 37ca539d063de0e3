using System.Net;
using WxBind.Tests.Infrastructure;
using static WxBind.ClusterTests.PhoneSteps;

namespace WxBind.ClusterTests;

/// <summary>
/// The user flows through nginx with no stickiness: the requests of one flow land on different
/// instances (counted by <c>X-Instance</c>), so a flow only completes when every instance can
/// carry on from what another did. A sticky balancer, or an instance keeping state in memory,
/// fails these tests (and the event check-in in <see cref="EventCheckInTests"/>).
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class CrossInstanceFlowTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task BindByQrCompletesAcrossInstances()
    {
        using var desktop = cluster.NewBrowser();
        await desktop.RegisterAsync();
        Assert.Contains("data-testid=\"bind-start\"", await desktop.Client.GetStringAsync("/account"), StringComparison.Ordinal);
        var session = await desktop.NewQrSessionAsync("bind");
        Assert.Equal("pending", await desktop.StatusAsync(session.Id));

        var phone = cluster.Phone();
        var openId = await phone.NewUserAsync();
        var scan = await phone.ScanAsync(openId, session.QrUrl);

        Assert.Contains("绑定成功", SimClient.ReplyText(scan), StringComparison.Ordinal);
        Assert.Equal("completed", await desktop.StatusAsync(session.Id));
        Assert.Contains("data-testid=\"binding\"", await desktop.Client.GetStringAsync("/account"), StringComparison.Ordinal);
        Assert.Equal(1L, await cluster.ScalarAsync<long>("SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
        Assert.True(desktop.Instances.Distinct().Count() >= 2, "One instance served the whole flow: " + string.Join(",", desktop.Instances));
    }

    [ClusterFact]
    public async Task QrLoginWithConfirmationCompletesAcrossInstances()
    {
        var (email, openId) = await BoundUserAsync(cluster);
        using var desktop = cluster.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await desktop.Client.GetAsync("/account/login")).StatusCode);
        var session = await desktop.NewQrSessionAsync("login");
        var phone = cluster.Phone();

        var scan = await phone.ScanAsync(openId, session.QrUrl);
        Assert.Equal("awaiting_confirmation", await desktop.StatusAsync(session.Id));
        Assert.Contains("已确认", await ConfirmLoginAsync(phone, openId, scan), StringComparison.Ordinal);
        Assert.Equal("completed", await desktop.StatusAsync(session.Id));

        Assert.Equal(HttpStatusCode.OK, (await desktop.Http.PostAsync($"/api/qr-sessions/{session.Id}/login", null)).StatusCode);
        // The login cookie issued by one instance is read by the others (shared data-protection keys).
        for (var i = 0; i < ClusterFixture.Instances; i++)
        {
            Assert.Contains(email, await desktop.Client.GetStringAsync("/account"), StringComparison.Ordinal);
        }
        Assert.Equal(ClusterFixture.Instances, desktop.Instances.TakeLast(ClusterFixture.Instances).Distinct().Count());
    }

    [ClusterFact]
    public async Task SignedLinkAndOAuthRegisterAndBindAcrossInstances()
    {
        var phone = cluster.Phone();
        var openId = await phone.NewUserAsync();
        var access = AccessLog.Open(cluster);

        // A follower without an account gets a signed link; the in-WeChat browser follows it
        // through OAuth (the emulator's authorize page answers as this user) to /wx/login.
        var link = LinkIn(SimClient.ReplyText(await phone.FollowAsync(openId)));
        Assert.StartsWith(cluster.Site + "wx/login?", link, StringComparison.Ordinal);
        var landing = await phone.OpenAsync(openId, link);
        Assert.Equal(200, landing.GetProperty("status").GetInt32());
        Assert.Contains("data-testid=\"wx-login-form\"", landing.GetProperty("body").GetString(), StringComparison.Ordinal);

        var email = $"w{Guid.NewGuid():N}@example.com";
        var done = await SubmitAsync(phone, openId, cluster.Site + "wx/register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = "集群用户",
            ["Input.Password"] = "secret-pass-1",
        });

        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            await cluster.ScalarAsync<string>("SELECT id FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }),
            await cluster.ScalarAsync<string>("SELECT user_id FROM wechat_bindings WHERE openid = @openId", new { openId }));
        Assert.Contains(await phone.ReceivedTextsAsync(openId), text => text.Contains("绑定成功", StringComparison.Ordinal));
        var instances = await access.InstancesAsync();
        Assert.True(instances.Distinct().Count() >= 2, "One instance served the whole flow: " + string.Join(",", instances));
    }

    [ClusterFact]
    public async Task EventStreamsOnOtherInstancesSeeTheScanHandledByOne()
    {
        using var desktop = cluster.NewBrowser();
        await desktop.RegisterAsync();
        var session = await desktop.NewQrSessionAsync("bind");
        // The page's stream, opened once per instance: whichever instance handles the scan, at
        // least two streams are held by others.
        var streams = new List<PageEvents>();
        try
        {
            for (var i = 0; i < ClusterFixture.Instances; i++)
            {
                var stream = await desktop.OpenEventsAsync(session.Id);
                streams.Add(stream);
                // Arrives through nginx at once only because it does not buffer the stream.
                Assert.Equal("pending", await stream.NextStatusAsync());
            }
            Assert.True(streams.Select(s => s.Instance).Distinct().Count() >= 2, "Every stream is on one instance: " + string.Join(",", streams.Select(s => s.Instance)));

            var phone = cluster.Phone();
            await phone.ScanAsync(await phone.NewUserAsync(), session.QrUrl);

            foreach (var stream in streams)
            {
                await stream.WaitForAsync("completed");
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }
}
