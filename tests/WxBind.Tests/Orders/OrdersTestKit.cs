using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.Orders;

/// <summary>Bound followers, their orders, and WeChat answers forced per API for the order tests.</summary>
internal static class OrdersTestKit
{
    /// <summary>SQLite, and PostgreSQL when <c>WXBIND_TEST_POSTGRES</c> is set: for theories whose data are not the provider.</summary>
    public static IReadOnlyList<WxBind.Storage.StorageProvider> AllProviders => TestDatabases.PostgresAdminConnectionString is null
        ? [WxBind.Storage.StorageProvider.Sqlite]
        : [WxBind.Storage.StorageProvider.Sqlite, WxBind.Storage.StorageProvider.Postgres];

    public sealed record Follower(AdminTestKit.Account Account, string OpenId, SimClient Sim);

    /// <summary>An account signed in on the desktop, bound (through the in-WeChat login) to a new following simulated user.</summary>
    public static async Task<Follower> BoundFollowerAsync(WxBindFactory app, string name = "买家")
    {
        var account = await AdminTestKit.RegisterAsync(app, name);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, openId);
        var done = await LoginInWechatAsync(sim, openId, link, account.Email);
        Assert.Contains("data-testid=\"wx-done\"", done.GetProperty("body").GetString(), StringComparison.Ordinal);
        return new Follower(account, openId, sim);
    }

    /// <summary>Places an order through the JSON API as <paramref name="browser"/>'s account; returns its id.</summary>
    public static async Task<long> PlaceAsync(BrowserClient browser, params (string Product, int Quantity)[] lines)
    {
        var response = await browser.Http.PostAsJsonAsync("/api/orders", new { items = lines.Select(l => new { productId = l.Product, quantity = l.Quantity }) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    /// <summary>The administrator presses "mark …" on <c>/admin/orders</c>; returns the page shown after it.</summary>
    public static async Task<(HttpStatusCode Status, string Html)> AdminMoveAsync(AdminTestKit.Account admin, long orderId, string to)
    {
        var response = await admin.Browser.SubmitFormAsync("/admin/orders", new Dictionary<string, string>(), $"/admin/orders?handler=Status&id={orderId}&to={to}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<long> CountAsync(WxBindFactory app, string sql, object? parameters = null) => AdminTestKit.ScalarAsync<long>(app, sql, parameters);

    /// <summary>The inbox items of a kind (<c>template</c>, <c>custom</c>, <c>reply</c>) the user received.</summary>
    public static async Task<IReadOnlyList<JsonElement>> InboxAsync(WxBindFactory app, string openId, string kind)
    {
        var inbox = await app.CreateClient().GetFromJsonAsync<JsonElement>($"/emulator/_sim/inbox?openid={Uri.EscapeDataString(openId)}");
        return inbox.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("kind").GetString() == kind).ToList();
    }

    /// <summary>Registers <see cref="ForcedWechatErrors"/> in front of the app's WeChat client.</summary>
    public static void AddForcedErrors(IServiceCollection services)
    {
        services.AddSingleton<ForcedWechatErrors>();
        services.AddTransient<ForcedWechatErrorHandler>();
        services.AddHttpClient("Wechat").AddHttpMessageHandler<ForcedWechatErrorHandler>();
    }
}

/// <summary>
/// Errcodes the emulator has no natural way to produce (43101 refused, 45009 quota, 45015/45047
/// window): answered as WeChat would, for every call to one API path, and every call counted.
/// </summary>
public sealed class ForcedWechatErrors
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _codes = [];
    private readonly Dictionary<string, int> _calls = [];

    public void Force(string api, int errCode)
    {
        lock (_gate)
        {
            _codes[api] = errCode;
        }
    }

    public int Calls(string api)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(api);
        }
    }

    internal int? Take(string path)
    {
        lock (_gate)
        {
            foreach (var (api, code) in _codes)
            {
                if (path.EndsWith(api, StringComparison.Ordinal))
                {
                    _calls[api] = _calls.GetValueOrDefault(api) + 1;
                    return code;
                }
            }
            return null;
        }
    }
}

internal sealed class ForcedWechatErrorHandler(ForcedWechatErrors errors) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        errors.Take(request.RequestUri!.AbsolutePath) is { } code
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new { errcode = code, errmsg = "forced by the test" }) })
            : base.SendAsync(request, cancellationToken);
}
