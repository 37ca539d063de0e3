using System.Net;
using System.Net.Http.Json;

namespace WxBind.ClusterTests;

/// <summary>
/// WeChat invalidates the previous access token whenever a new one is fetched, so the instances
/// share one: the emulator counts every fetch.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class AccessTokenSharingTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task InstancesStartedWithoutATokenFetchOneBetweenThem()
    {
        // Every instance restarted (nothing in memory) and no token in the database.
        foreach (var name in ClusterFixture.InstanceNames)
        {
            await cluster.StopInstanceAsync(name);
        }
        await cluster.ExecuteAsync("DELETE FROM wechat_tokens");
        await Task.WhenAll(ClusterFixture.InstanceNames.Select(cluster.StartInstanceAsync));
        var before = await cluster.TokenFetchesAsync();

        // Each instance needs the token at the same moment (a QR code is a token-bearing call).
        var served = await CreateQrCodesAsync(2 * ClusterFixture.Instances, parallel: true);

        Assert.Equal(ClusterFixture.InstanceNames.Order(), served.Distinct().Order());
        Assert.Equal(1, await cluster.TokenFetchesAsync() - before);
    }

    [ClusterFact]
    public async Task A40001OnOneInstanceDoesNotMakeTheOthersRefetch()
    {
        // Every instance holds the current token.
        Assert.Equal(ClusterFixture.InstanceNames.Order(), (await CreateQrCodesAsync(ClusterFixture.Instances, parallel: false)).Distinct().Order());
        var before = await cluster.TokenFetchesAsync();

        // WeChat rejects the next call with 40001: that instance drops the token, fetches a new one
        // and retries; the others keep working with what they hold.
        using (var emulator = new HttpClient { BaseAddress = cluster.Emulator })
        {
            (await emulator.PostAsJsonAsync("/emulator/_sim/faults", new { forceInvalidToken = true })).EnsureSuccessStatusCode();
        }
        await CreateQrCodesAsync(1, parallel: false);
        Assert.Equal(1, await cluster.TokenFetchesAsync() - before);

        var served = await CreateQrCodesAsync(2 * ClusterFixture.Instances, parallel: false);
        Assert.Equal(ClusterFixture.InstanceNames.Order(), served.Distinct().Order());
        Assert.Equal(1, await cluster.TokenFetchesAsync() - before);
    }

    /// <summary>Login QR codes through the balancer; returns the instance that made each one.</summary>
    private async Task<IReadOnlyList<string>> CreateQrCodesAsync(int count, bool parallel)
    {
        async Task<string> OneAsync()
        {
            using var browser = cluster.NewBrowser();
            var response = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return ClusterBrowser.Instance(response);
        }

        if (parallel)
        {
            return await Task.WhenAll(Enumerable.Range(0, count).Select(_ => OneAsync()));
        }
        var served = new List<string>();
        for (var i = 0; i < count; i++)
        {
            served.Add(await OneAsync());
        }
        return served;
    }
}
