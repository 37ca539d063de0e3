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
    private readonly bool _ownsDatabase;
    private readonly int? _kestrelPort;

    private WxBindFactory(StorageProvider provider, string connectionString, IDictionary<string, string?>? settings, int? kestrelPort, bool ownsDatabase)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _ownsDatabase = ownsDatabase;
        _kestrelPort = kestrelPort;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["WxBind:Storage:Provider"] = provider.ToString(),
            [$"ConnectionStrings:{provider}"] = connectionString,
            ["WxBind:PublicBaseUrl"] = kestrelPort is { } port ? $"http://127.0.0.1:{port}" : "http://localhost",
            // Simulated users stay in memory unless a test gives the emulator a file of its own.
            ["Emulator:StateFile"] = "",
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

    /// <summary>The app on a new, empty database of its own (dropped when the factory is disposed).</summary>
    /// <remarks>
    /// Extra services go in <paramref name="services"/>, not through <c>WithWebHostBuilder</c>: a
    /// derived factory would route the loopback clients to this (unstarted) factory's server.
    /// </remarks>
    public static async Task<WxBindFactory> CreateAsync(StorageProvider provider, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        return new WxBindFactory(provider, connectionString, settings, kestrelPort: null, ownsDatabase: true) { ExtraServices = services };
    }

    private Action<IServiceCollection>? ExtraServices { get; init; }

    /// <summary>A second app on the database of <paramref name="other"/>: a restart, or another instance.</summary>
    public static WxBindFactory SharingDatabaseOf(WxBindFactory other, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(other.Provider, other.ConnectionString, settings, kestrelPort: null, ownsDatabase: false) { ExtraServices = services };

    /// <summary>
    /// The app on a real Kestrel socket (for a real browser), on a fresh database. Its own HTTP
    /// clients then reach it over loopback like in production.
    /// </summary>
    public static async Task<WxBindFactory> StartKestrelAsync(StorageProvider provider, IDictionary<string, string?>? settings = null)
    {
        var connectionString = await TestDatabases.CreateAsync(provider);
        var factory = new WxBindFactory(provider, connectionString, settings, FreeTcpPort(), ownsDatabase: true) { UseFakeClock = false };
        factory.UseKestrel(factory._kestrelPort!.Value);
        factory.StartServer();
        return factory;
    }

    public Uri RootUri => new(_settings["WxBind:PublicBaseUrl"]!);

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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
            ExtraServices?.Invoke(services);
            foreach (var name in _kestrelPort is null ? LoopbackClientNames : [])
            {
                // The server from the host's own services: a call made while the host starts (the menu
                // published at start-up) must not make the factory build a second host.
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()).CreateHandler());
            }
        });
    }

    /// <summary>Named HTTP clients whose traffic must reach this in-process server instead of a socket.</summary>
    private static readonly string[] LoopbackClientNames = ["Wechat", "WxBind.Emulator.Push", "WxBind.Emulator.Browser"];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await TestDatabases.DropAsync(Provider, ConnectionString);
        }
    }
}
