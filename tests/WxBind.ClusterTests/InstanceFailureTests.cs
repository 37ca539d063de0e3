using System.Net;
using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>An instance dies in the middle of a flow; the others finish it, and nginx stops sending it work.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class InstanceFailureTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task BindCompletesOnTheOthersAfterTheInstanceHoldingThePageIsKilled()
    {
        using var desktop = cluster.NewBrowser();
        await desktop.RegisterAsync();
        var session = await desktop.NewQrSessionAsync("bind");
        var first = await desktop.OpenEventsAsync(session.Id);
        var victim = first.Instance;
        Assert.Equal("pending", await first.NextStatusAsync());

        cluster.Kill(victim);
        try
        {
            // The page's stream breaks with its instance, as a browser's EventSource would see.
            await Assert.ThrowsAnyAsync<Exception>(first.NextStatusAsync);
            first.Dispose();
            var before = desktop.Instances.Count;

            // WeChat's push reaches a live instance (nginx moves on from the dead one), and the
            // page reconnects to another instance that sees the binding.
            var phone = cluster.Phone();
            var scan = await phone.ScanAsync(await phone.NewUserAsync(), session.QrUrl);
            Assert.Contains("绑定成功", SimClient.ReplyText(scan), StringComparison.Ordinal);
            using var again = await desktop.OpenEventsAsync(session.Id);
            Assert.NotEqual(victim, again.Instance);
            Assert.Equal("completed", await again.NextStatusAsync());
            for (var i = 0; i < ClusterFixture.Instances; i++)
            {
                Assert.Contains("data-testid=\"binding\"", await desktop.Client.GetStringAsync("/account"), StringComparison.Ordinal);
            }

            var after = desktop.Instances.Skip(before).ToList();
            Assert.DoesNotContain(victim, after);
            Assert.True(after.Distinct().Count() >= 2, "The remaining instances did not share the work: " + string.Join(",", after));
        }
        finally
        {
            await cluster.StartInstanceAsync(victim);
        }
    }

    [ClusterFact]
    public async Task StoppedInstanceEndsThePageStreamItHeldAndThePageCarriesOnElsewhere()
    {
        using var desktop = cluster.NewBrowser();
        await desktop.RegisterAsync();
        var session = await desktop.NewQrSessionAsync("bind");
        var first = await desktop.OpenEventsAsync(session.Id);
        var holder = first.Instance;
        Assert.Equal("pending", await first.NextStatusAsync());

        // A rolling restart stops the instance holding the page's stream (SIGTERM).
        var said = await cluster.StopInstanceAsync(holder);
        try
        {
            // It stopped by itself rather than being killed after waiting for the stream, and the
            // stream came to a proper end (a cut one would throw an I/O error, not end-of-stream).
            Assert.DoesNotContain("killing it", said, StringComparison.Ordinal);
            await Assert.ThrowsAsync<EndOfStreamException>(first.NextStatusAsync);
            first.Dispose();

            // The page reconnects through nginx to another instance, which sees the scan.
            var phone = cluster.Phone();
            Assert.Contains("绑定成功", SimClient.ReplyText(await phone.ScanAsync(await phone.NewUserAsync(), session.QrUrl)), StringComparison.Ordinal);
            using var again = await desktop.OpenEventsAsync(session.Id);
            Assert.NotEqual(holder, again.Instance);
            Assert.Equal("completed", await again.NextStatusAsync());
        }
        finally
        {
            await cluster.StartInstanceAsync(holder);
        }
    }

    [ClusterFact]
    public async Task QrLoginCompletesOnTheOthersAfterTheInstanceThatCreatedItIsKilled()
    {
        var (email, openId) = await PhoneSteps.BoundUserAsync(cluster);
        using var desktop = cluster.NewBrowser();
        var session = await desktop.NewQrSessionAsync("login");
        var phone = cluster.Phone();
        var scan = await phone.ScanAsync(openId, session.QrUrl);

        cluster.Kill(session.CreatedBy);
        try
        {
            var before = desktop.Instances.Count;
            Assert.Contains("已确认", await PhoneSteps.ConfirmLoginAsync(phone, openId, scan), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await desktop.Http.PostAsync($"/api/qr-sessions/{session.Id}/login", null)).StatusCode);
            Assert.Contains(email, await desktop.Client.GetStringAsync("/account"), StringComparison.Ordinal);
            Assert.DoesNotContain(session.CreatedBy, desktop.Instances.Skip(before));
        }
        finally
        {
            await cluster.StartInstanceAsync(session.CreatedBy);
        }
    }
}
