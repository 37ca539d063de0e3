using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using WxBind.Reliability.Infrastructure;
using WxBind.Reliability.Load;
using WxBind.Storage;

namespace WxBind.Reliability.Outage;

/// <summary>
/// PostgreSQL stopped under load, then started again (the suite's own server, never a shared
/// one). During the outage the app says so — /healthz unhealthy, WeChat answered in time without
/// a 500, pages show the error page — and afterwards it works again without a restart, with
/// nothing half-written.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task AppAnswersClearlyDuringOutageAndRecoversWithoutRestart()
    {
        var outage = RunLength.Pick(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(30));
        var seed = RunLength.Seed;
        var figures = new Figures(output, "database outage");
        await using var server = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres, server.AdminConnectionString);
        // Production: users see the app's error page, not the developer page.
        await using var app = new InProcessApp(database, InProcessApp.ProductionSettings(), "Production");
        using var raw = app.CreateClient();
        using var user = new SiteClient(app.Browser());
        Assert.True(await user.RegisterAsync($"outage-{Guid.NewGuid():N}@example.com", "secret-pass-1", "Outage"));

        var mix = new LoadMix([(new RegisterAction(), 1), (new TextPushAction(), 2)], LoadMix.CreateDefault().Invariants);
        var context = new LoadContext(() => new SiteClient(app.Browser()), () => raw);
        using var stop = new CancellationTokenSource();
        var load = mix.RunAsync(context, workers: 3, seed, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        await server.StopServerAsync();
        var health = new List<HttpStatusCode>();
        var pushes = new List<(string Xml, HttpStatusCode Status, TimeSpan Took)>();
        var pages = new List<(HttpStatusCode Status, bool ErrorPage)>();
        var during = Stopwatch.StartNew();
        while (during.Elapsed < outage)
        {
            using (var response = await raw.GetAsync("/healthz"))
            {
                health.Add(response.StatusCode);
            }
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var xml = WechatSigner.TextXml("oOutage" + pushes.Count, "你好", context.NextMsgId(), now);
            var watch = Stopwatch.StartNew();
            using (var response = await PushAsync(raw, context.Signer, xml))
            {
                pushes.Add((xml, response.StatusCode, watch.Elapsed));
            }
            using (var response = await user.Http.GetAsync("/account"))
            {
                var body = await response.Content.ReadAsStringAsync();
                pages.Add((response.StatusCode, body.Contains("data-testid=\"error-message\"", StringComparison.Ordinal)));
            }
            await Task.Delay(500);
        }

        await server.StartServerAsync();
        var recovery = Stopwatch.StartNew();
        while (true)
        {
            using var response = await raw.GetAsync("/healthz");
            if (response.IsSuccessStatusCode)
            {
                break;
            }
            Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(60), "/healthz still unhealthy 60 s after the database came back");
            await Task.Delay(100);
        }
        var healthyAfter = recovery.Elapsed;

        // WeChat retries what it could not deliver: each push of the outage is handled now.
        var retried = 0;
        foreach (var (xml, _, _) in pushes)
        {
            using var response = await PushAsync(raw, context.Signer, xml);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && body.Contains("<Encrypt>", StringComparison.Ordinal))
            {
                retried++;
            }
        }
        using var page = await user.Http.GetAsync("/account");
        using var newcomer = new SiteClient(app.Browser());
        var registeredAfter = await newcomer.RegisterAsync($"after-{Guid.NewGuid():N}@example.com", "secret-pass-1", "After");
        var completedBefore = mix.Completed.Values.Sum();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await load;
        var (problems, checkedWrites) = await mix.VerifyAsync(database, all: true);

        figures.Print(string.Create(CultureInfo.InvariantCulture,
            $"outage {outage.TotalSeconds:0} s: /healthz {Count(health)}; callback {Count(pushes.Select(p => p.Status))}, slowest {pushes.Max(p => p.Took).TotalSeconds:0.00} s; " +
            $"page /account {Count(pages.Select(p => p.Status))} ({pages.Count(p => p.ErrorPage)} the error page)"));
        figures.Print(string.Create(CultureInfo.InvariantCulture,
            $"after: healthy in {healthyAfter.TotalSeconds:0.0} s without a restart, {retried}/{pushes.Count} outage pushes handled on retry, " +
            $"acknowledged writes checked {checkedWrites}, half-written 0; load: {mix.Summary()}"));

        Assert.All(health, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.All(pages, p => Assert.True(p.ErrorPage, $"/account answered {(int)p.Status} without the error page"));
        Assert.All(pushes, p => Assert.True(p.Took < TimeSpan.FromSeconds(5), $"a push took {p.Took.TotalSeconds:0.0} s"));
        Assert.All(pushes, p => Assert.NotEqual(HttpStatusCode.InternalServerError, p.Status));
        Assert.Equal(pushes.Count, retried);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(registeredAfter, "registration failed after the database came back");
        Assert.Empty(problems);
        Assert.True(mix.Completed.Values.Sum() > completedBefore || checkedWrites > 0);
    }

    // With the database down a push can be neither recorded nor handled: WeChat must still get an
    // answer (a 500 shows the user "该公众号暂时无法提供服务"), and the user is asked to try again.
    [PostgresFact]
    public async Task CallbackAnswersWithoutServerErrorWhileDatabaseIsDown()
    {
        await using var server = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Postgres, server.AdminConnectionString);
        await using var app = new InProcessApp(database, InProcessApp.ProductionSettings(), "Production");
        using var raw = app.CreateClient();
        await server.StopServerAsync();

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await PushAsync(raw, WechatSigner.Development, WechatSigner.TextXml("oOutage", "你好", now * 1000, now));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        var reply = WechatSigner.Development.Decrypt(envelope.Root!.Element("Encrypt")!.Value);
        Assert.Contains("请稍后再试", reply, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PushAsync(HttpClient client, WechatSigner signer, string xml)
    {
        var (query, body) = signer.SafePush(xml, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return client.PostAsync($"/wechat/callback?{query}", new StringContent(body, Encoding.UTF8, "text/xml"));
    }

    private static string Count(IEnumerable<HttpStatusCode> statuses) =>
        string.Join("/", statuses.GroupBy(s => (int)s).Select(g => $"{g.Count()}×{g.Key}"));
}
