using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WxBind.Reliability.Infrastructure;
using WxBind.Storage;

namespace WxBind.Reliability.Faults;

/// <summary>
/// WeChat misbehaving, switched on through the emulator's <c>/_sim/faults</c>: the app answers
/// every page request with a problem instead of hanging, does not storm the token endpoint
/// (counted by the emulator), leaves no half-made QR session, and recovers by itself.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Disposed by IAsyncLifetime.DisposeAsync.")]
public sealed class WechatFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private InProcessApp _app = null!;
    private HttpClient _control = null!;
    private readonly Figures _figures = new(output, "wechat faults");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        _app = new InProcessApp(_database);
        _control = _app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _control.Dispose();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task FailingTokenEndpointAnswersProblemsWithOneFetchAndRecovers()
    {
        await SetFaultsAsync(new { tokenFailCount = 1000 });

        var results = await CreateSessionsAsync(10);

        Assert.All(results, r => AssertProblem(r.Status));
        var fetches = await TokenRequestsAsync();
        Assert.InRange(fetches, 1, 2);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM qr_sessions"));
        await ClearFaultsAndExpectRecoveryAsync();
        _figures.Print($"token endpoint failing: 10 page requests answered {Statuses(results)}, token fetches {fetches}, slowest {Slowest(results)}");
    }

    [Fact]
    public async Task SlowTokenEndpointIsCutAtTheApiTimeoutWithOneFetch()
    {
        // 10 s: twice the app's WeChat API timeout (Wechat:ApiTimeout, 5 s). Had a request waited
        // for the token, it would have got one and created its session.
        await SetFaultsAsync(new { slowTokenMs = 10_000 });

        var results = await CreateSessionsAsync(5);

        Assert.All(results, r => AssertProblem(r.Status));
        Assert.Equal(1, await TokenRequestsAsync());
        await ClearFaultsAndExpectRecoveryAsync();
        _figures.Print($"token endpoint slow (10 s): 5 page requests answered {Statuses(results)}, slowest {Slowest(results)}, token fetches 1");
    }

    [Fact]
    public async Task AccessTokenStormIsMetWithFewFetchesAndRecovers()
    {
        Assert.Equal(HttpStatusCode.Created, (await CreateSessionsAsync(1))[0].Status);
        var before = await TokenRequestsAsync();
        await SetFaultsAsync(new { invalidTokenCount = 20 });

        var results = await CreateSessionsAsync(10);

        // Each request may see 40001 twice (the call and its one retry with a fresh token).
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.Created || (int)r.Status >= 500, $"answered {(int)r.Status}"));
        var fetches = await TokenRequestsAsync() - before;
        Assert.InRange(fetches, 1, results.Count);
        await ClearFaultsAndExpectRecoveryAsync();
        _figures.Print($"40001 storm (20 calls): 10 page requests answered {Statuses(results)}, token fetches {fetches}");
    }

    [Fact]
    public async Task FailingQrcodeCreateAnswersProblemStoresNothingAndRecovers()
    {
        await SetFaultsAsync(new { qrcodeCreateFailCount = 3 });

        var results = await CreateSessionsAsync(3);

        Assert.All(results, r => AssertProblem(r.Status));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM qr_sessions"));
        Assert.Equal(HttpStatusCode.Created, (await CreateSessionsAsync(1))[0].Status);
        _figures.Print($"qrcode/create failing: 3 page requests answered {Statuses(results)}, none stored; the next one created");
    }

    /// <summary>A problem for the page to show with a retry (the JSON API's 5xx), never a success or a hang.</summary>
    private static void AssertProblem(HttpStatusCode status) =>
        Assert.True((int)status >= 500, $"expected a problem answer, got {(int)status}");

    private async Task<List<(HttpStatusCode Status, TimeSpan Took)>> CreateSessionsAsync(int count)
    {
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            using var browser = _app.Browser();
            browser.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            var watch = Stopwatch.StartNew();
            using var response = await browser.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" });
            return (response.StatusCode, watch.Elapsed);
        });
        return [.. await Task.WhenAll(tasks)];
    }

    /// <summary>With WeChat well again, a page gets its code within the back-off, without a restart.</summary>
    private async Task ClearFaultsAndExpectRecoveryAsync()
    {
        (await _control.DeleteAsync("/emulator/_sim/faults")).EnsureSuccessStatusCode();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (status, _) = (await CreateSessionsAsync(1))[0];
            if (status == HttpStatusCode.Created)
            {
                return;
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"still {(int)status} 30 s after WeChat recovered");
            await Task.Delay(250);
        }
    }

    private async Task SetFaultsAsync(object faults) =>
        (await _control.PostAsJsonAsync("/emulator/_sim/faults", faults)).EnsureSuccessStatusCode();

    private async Task<long> TokenRequestsAsync() =>
        (await _control.GetFromJsonAsync<JsonElement>("/emulator/_sim/faults")).GetProperty("tokenRequests").GetInt64();

    private static string Statuses(IEnumerable<(HttpStatusCode Status, TimeSpan Took)> results) =>
        string.Join("/", results.GroupBy(r => (int)r.Status).Select(g => $"{g.Count()}×{g.Key}"));

    private static string Slowest(IEnumerable<(HttpStatusCode Status, TimeSpan Took)> results) =>
        results.Max(r => r.Took).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
