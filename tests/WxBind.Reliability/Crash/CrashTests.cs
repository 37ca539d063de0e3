using System.Diagnostics;
using System.Globalization;
using WxBind.Reliability.Infrastructure;
using WxBind.Reliability.Load;
using WxBind.Storage;

namespace WxBind.Reliability.Crash;

/// <summary>
/// The published app under the mixed load, killed with SIGKILL at random moments and started
/// again: what a client was told succeeded is still there, nothing is doubled, the SQLite file
/// is sound, and the app serves again within 5 s.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    /// <summary>
    /// The bar is 5 s (the long run, on a quiet machine, asserts it). The short run shares a busy
    /// 2-core CI machine, where starting any .NET process can take longer: it asserts a generous
    /// bound and prints the measured figures.
    /// </summary>
    private static readonly TimeSpan ServesAgainWithin = RunLength.Pick(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AcknowledgedWritesSurviveRepeatedKills(StorageProvider provider)
    {
        var kills = RunLength.Pick(10, 24);
        var seed = RunLength.Seed;
        var figures = new Figures(output, $"crash ({provider})");
        var random = new Random(seed);
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new PublishedApp(database, provider == StorageProvider.Sqlite ? 26100 : 26101);
        // The first start also publishes (once per run) and migrates: not part of the restart figure.
        await app.StartAsync(TimeSpan.FromMinutes(5));

        var mix = LoadMix.CreateDefault();
        using var raw = new HttpClient { BaseAddress = app.Root, Timeout = TimeSpan.FromSeconds(10) };
        var context = new LoadContext(() => SiteClient.Over(app.Root, TimeSpan.FromSeconds(10)), () => raw);
        var restarts = new List<TimeSpan>();
        var checkedWrites = 0;
        for (var kill = 1; kill <= kills; kill++)
        {
            using var stop = new CancellationTokenSource();
            var load = mix.RunAsync(context, workers: 6, seed + kill * 100, stop.Token);
            // A random moment once the load is going (something acknowledged since the restart), so
            // every round has writes at stake; a busy machine can make that first success slow.
            var acknowledgedBefore = mix.Acknowledged.Count;
            var waiting = Stopwatch.StartNew();
            while (mix.Acknowledged.Count == acknowledgedBefore && waiting.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 3000)));
            await app.KillAsync();
            await stop.CancelAsync();
            await load;

            Assert.Equal("ok", await database.IntegrityCheckAsync());
            var restart = await app.StartAsync(TimeSpan.FromSeconds(60));
            restarts.Add(restart);
            var (problems, count) = await mix.VerifyAsync(database);
            checkedWrites += count;
            Assert.True(problems.Count == 0, $"after kill {kill} (seed {seed}): {string.Join("; ", problems)}");
        }

        var (finalProblems, total) = await mix.VerifyAsync(database, all: true);
        Assert.Empty(finalProblems);
        var sorted = restarts.Order().ToList();
        figures.Print(string.Create(CultureInfo.InvariantCulture,
            $"kills {kills}, acknowledged writes checked {checkedWrites} (final re-check of all {total}), lost: 0, duplicates: 0, " +
            $"integrity_check ok; serves again in median {sorted[sorted.Count / 2].TotalSeconds:0.00} s, max {sorted[^1].TotalSeconds:0.00} s; seed {seed}"));
        figures.Print($"load: {mix.Summary()}");
        Assert.True(total > 0, "the load acknowledged nothing: the run proved nothing");
        Assert.All(restarts, r => Assert.True(r <= ServesAgainWithin, $"serving again took {r.TotalSeconds:0.00} s"));
    }
}
