using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// The app in process (TestServer) on a given database, with its emulator mounted and every
/// outgoing client (the WeChat client, the emulator's pushes and in-WeChat browser) routed back
/// into the same server. Real clock: pushes carry real timestamps. Log lines at Warning and
/// above are kept for the checks.
/// </summary>
public sealed class InProcessApp(TestDatabase database, IDictionary<string, string?>? settings = null, string environment = "Development") : WebApplicationFactory<Program>
{
    /// <summary>Raised limits: the suite is many clients behind one address.</summary>
    public static readonly Dictionary<string, string?> LoadSettings = new()
    {
        ["WxBind:Accounts:LoginPermitsPerMinute"] = "10000",
        ["WxBind:Accounts:RegisterPermitsPerMinute"] = "10000",
        ["WxBind:QrSessions:CreatePermitsPerMinute"] = "10000",
    };

    private static readonly string[] LoopbackClientNames = ["Wechat", "WxBind.Emulator.Push", "WxBind.Emulator.Browser"];

    public LogSink Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("WxBind:Storage:Provider", database.Provider.ToString());
        builder.UseSetting($"ConnectionStrings:{database.Provider}", database.ConnectionString);
        builder.UseSetting("WxBind:PublicBaseUrl", "http://localhost");
        // No WeChat call at start-up: the fault tests count token fetches from a cold start.
        builder.UseSetting("Wechat:PublishMenuOnStart", "false");
        foreach (var (key, value) in LoadSettings.Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
        // Only the sink: thousands of refused requests would otherwise be thousands of console lines.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Log));
        builder.ConfigureTestServices(services =>
        {
            foreach (var name in LoopbackClientNames)
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
            }
        });
    }

    /// <summary>
    /// Production (the error page users see), without the emulator: the Wechat settings are the
    /// development ones, so pushes signed with <see cref="WechatSigner.Development"/> hold.
    /// </summary>
    public static Dictionary<string, string?> ProductionSettings() => new()
    {
        ["Emulator:Enabled"] = "false",
        ["Wechat:AppId"] = "wx5e1a7b3c9d2f4e60",
        ["Wechat:AppSecret"] = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
        ["Wechat:Token"] = "wxbindDevToken2026",
        ["Wechat:EncodingAESKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ["Wechat:OriginalId"] = "gh_wxbind000001",
    };

    /// <summary>A browser: keeps cookies, does not follow redirects.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}
