using WxBind.Storage;

namespace WxBind.Tests.Infrastructure;

/// <summary>
/// One app per provider, shared by the tests of a class (each test still makes its own users and
/// data). Rate limits are raised so that many tests can share one client address.
/// </summary>
public sealed class AppFixture : IAsyncDisposable
{
    private readonly Dictionary<StorageProvider, Task<WxBindFactory>> _apps = [];
    private readonly Lock _lock = new();

    public static readonly Dictionary<string, string?> SharedSettings = new()
    {
        ["WxBind:Accounts:LoginPermitsPerMinute"] = "10000",
        ["WxBind:Accounts:RegisterPermitsPerMinute"] = "10000",
    };

    public Task<WxBindFactory> GetAsync(StorageProvider provider)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(provider, out var app))
            {
                app = WxBindFactory.CreateAsync(provider, SharedSettings);
                _apps[provider] = app;
            }
            return app;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await (await app).DisposeAsync();
        }
    }
}
