using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WxBind.Storage;

namespace WxBind.Tests.Infrastructure;

/// <summary>
/// The whole app in process on a fresh database of the given provider, with the emulator mounted
/// and every outgoing HTTP client (the app's WeChat client, the emulator's pushes and its
/// in-WeChat browser) routed back into the same test server.
/// </summary>
public sealed class WxBindFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private WxBindFactory(StorageProvider provider, string connectionString, IDictionary<string, string?>? settings)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["WxBind:Storage:Provider"] = provider.ToString(),
            [$"ConnectionStrings:{provider}"] = connectionString,
            ["WxBind:PublicBaseUrl"] = "http://localhost",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public StorageProvider Provider { get; }

    public string ConnectionString { get; }

    public FakeClock Clock { get; } = new();

    /// <summary>When false, the app uses the real clock (for tests that need real timers only).</summary>
    public bool UseFakeClock { get; init; } = true;

    public static async Task<WxBindFactory> CreateAsync(StorageProvider provider, IDictionary<string, string?>? settings = null)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        return new WxBindFactory(provider, connectionString, settings);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            if (UseFakeClock)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            }
            foreach (var name in LoopbackClientNames)
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
            }
        });
    }

    /// <summary>Named HTTP clients whose traffic must reach this in-process server instead of a socket.</summary>
    private static readonly string[] LoopbackClientNames = ["Wechat", "WxBind.Emulator.Push", "WxBind.Emulator.Browser"];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestDatabases.DropAsync(Provider, ConnectionString);
    }
}
