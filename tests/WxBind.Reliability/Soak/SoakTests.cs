using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using WxBind.Reliability.Infrastructure;
using WxBind.Reliability.Load;
using WxBind.Storage;

namespace WxBind.Reliability.Soak;

/// <summary>
/// The published app under the mixed load while many pages wait on their QR sessions' event
/// streams: its memory and open handles stay flat, the streams stay open, and it logs no error.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MixedLoadWithWaitingPagesKeepsMemoryAndHandlesFlat()
    {
        // WXBIND_RELIABILITY_SOAK_MINUTES sets the measured time (e.g. 3 to see a slope quickly).
        var duration = double.TryParse(Environment.GetEnvironmentVariable("WXBIND_RELIABILITY_SOAK_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
            ? TimeSpan.FromMinutes(minutes)
            : RunLength.Pick(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));
        var streamCount = RunLength.Pick(200, 2000);
        var seed = RunLength.Seed;
        var figures = new Figures(output, "soak");
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        // Codes that outlive the run, so every page keeps waiting.
        await using var app = new PublishedApp(database, 26200, new Dictionary<string, string> { ["Wechat:QrExpireSeconds"] = "7200" });
        await app.StartAsync(TimeSpan.FromMinutes(5));

        using var streams = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = app.Root,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using var stop = new CancellationTokenSource();
        var open = 0;
        var events = 0L;
        Task[] readers;
        using (var gate = new SemaphoreSlim(16))
        {
            readers = await Task.WhenAll(Enumerable.Range(0, streamCount).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    return await OpenStreamAsync(streams, () => Interlocked.Increment(ref open), () => Interlocked.Increment(ref events), () => Interlocked.Decrement(ref open), stop.Token);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var mix = LoadMix.CreateDefault();
        using var raw = new HttpClient { BaseAddress = app.Root, Timeout = TimeSpan.FromSeconds(30) };
        var context = new LoadContext(() => SiteClient.Over(app.Root, TimeSpan.FromSeconds(30)), () => raw);
        var load = mix.RunAsync(context, workers: 4, seed, stop.Token);
        // Warm up (JIT, pools, caches) before the baseline.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var start = app.Resources();
        var samples = new List<(long RssKb, int Handles)> { start };
        var until = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            samples.Add(app.Resources());
        }
        var end = app.Resources();
        var stillOpen = Volatile.Read(ref open);
        await stop.CancelAsync();
        await load;
        await Task.WhenAll(readers);

        var (problems, checkedWrites) = await mix.VerifyAsync(database, all: true);
        var errors = app.Output.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        figures.Print(string.Create(CultureInfo.InvariantCulture,
            $"{duration.TotalMinutes:0.#} min, {streamCount} event streams ({stillOpen} still open at the end, {Interlocked.Read(ref events)} events read): " +
            $"RSS {start.RssKb / 1024} MB → {end.RssKb / 1024} MB (peak {samples.Max(s => s.RssKb) / 1024} MB), handles {start.Handles} → {end.Handles}; " +
            $"errors logged {errors.Count}; acknowledged writes checked {checkedWrites}; load: {mix.Summary()}"));

        Assert.Equal(streamCount, stillOpen);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
        Assert.Empty(problems);
        Assert.True(mix.Completed.Values.Sum() > 0, "the load completed nothing");
        // Flat: the streams and pools are all open at the baseline; what grows after that leaks.
        Assert.True(end.Handles - start.Handles < 50, $"handles {start.Handles} → {end.Handles}");
        Assert.True(end.RssKb - start.RssKb < 150 * 1024, $"RSS {start.RssKb / 1024} MB → {end.RssKb / 1024} MB");
    }

    /// <summary>A page that shows a login code: creates the session with its own browser key and waits on its events.</summary>
    private static async Task<Task> OpenStreamAsync(HttpClient http, Action opened, Action eventRead, Action closed, CancellationToken stop)
    {
        using var create = await http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "login" }, stop);
        create.EnsureSuccessStatusCode();
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetString();
        var cookie = string.Join("; ", create.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/qr-sessions/{id}/events");
        request.Headers.Add("Cookie", cookie);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
        // The first event (the pending status) arrives at once.
        while (await reader.ReadLineAsync(stop) is { } line && !line.StartsWith("data:", StringComparison.Ordinal))
        {
        }
        eventRead();
        opened();
        return Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync(stop) is { } line)
                {
                    if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        eventRead();
                    }
                }
                closed(); // the app ended the stream
            }
            catch (OperationCanceledException)
            {
                // The run is over.
            }
            finally
            {
                reader.Dispose();
                response.Dispose();
                request.Dispose();
            }
        }, CancellationToken.None);
    }
}
