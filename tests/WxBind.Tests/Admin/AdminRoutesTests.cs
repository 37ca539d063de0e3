using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Events;
using WxBind.Storage;
using WxBind.Tests.Events;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary>
/// Every route under <c>/admin</c>, read from the app's own endpoints (so a page added later is
/// covered without editing a list): anonymous → login, non-administrator → 403, administrator → 200.
/// </summary>
public sealed partial class AdminRoutesTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    /// <summary>Every <c>/admin</c> endpoint, as its route pattern and the methods it answers.</summary>
    private static List<(string Pattern, IReadOnlyList<string> Methods, Endpoint Endpoint)> AdminEndpoints(WxBindFactory app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e))
            .Where(e => e.Pattern == "/admin" || e.Pattern.StartsWith("/admin/", StringComparison.OrdinalIgnoreCase))
            // Razor pages carry no method metadata: they answer GET and POST through their handlers.
            .Select(e => (e.Pattern, Methods: e.Endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"], (Endpoint)e.Endpoint))
            .ToList();

    /// <summary>The concrete address of a pattern: a real event, user and door code for its parameters.</summary>
    private static string Concrete(string pattern, string userId, string eventId, string scene) => Parameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "id" when pattern.StartsWith("/admin/users/", StringComparison.Ordinal) => userId,
        "id" when pattern.StartsWith("/admin/events/", StringComparison.Ordinal) => eventId,
        "scene" => scene,
        var name => throw new InvalidOperationException($"{pattern}: this test does not know what to put in {{{name}}}; add it."),
    });

    [Fact]
    public async Task TheConsoleHasEveryPageItsDesignNames()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var patterns = AdminEndpoints(app).Select(e => e.Pattern.ToLowerInvariant()).ToHashSet();

        // DESIGN §8, plus the audit page, the event editor and the event's endpoints.
        foreach (var page in new[] { "/admin", "/admin/users", "/admin/users/{id}", "/admin/ledger", "/admin/audit", "/admin/orders",
                     "/admin/events", "/admin/events/{id}", "/admin/events/{id}/edit", "/admin/events/{id}/door" })
        {
            Assert.Contains(page, patterns);
        }
    }

    [Fact]
    public async Task EveryAdminEndpointRequiresTheAdministratorPolicy()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);

        foreach (var (pattern, _, endpoint) in AdminEndpoints(app))
        {
            Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == WxBind.Admin.AdminExtensions.Policy),
                $"{pattern} ({endpoint.DisplayName}) is not limited to administrators");
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task EveryAdminAddressSendsAnonymousToLoginRefusesOthersAndOpensForAdministrators(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var admin = await AdminTestKit.AdminAsync(app);
        var user = await AdminTestKit.RegisterAsync(app);
        using var anonymous = BrowserClient.Create(app);
        var item = await EventTestKit.CreateEventAsync(app);
        var scene = (await app.Services.GetRequiredService<DoorCodes>().IssueAsync(item, default)).Scene;
        var endpoints = AdminEndpoints(app);
        Assert.True(endpoints.Count >= 10, $"only {endpoints.Count} /admin endpoints found");
        var addresses = endpoints
            .SelectMany(e => e.Methods.Select(method => (Url: Concrete(e.Pattern, admin.UserId, item.Id, scene), Method: method,
                Api: e.Endpoint.Metadata.GetMetadata<IDisableCookieRedirectMetadata>() is not null)))
            // The ledger's CSV export is a handler of its page.
            .Append(("/admin/ledger?handler=csv", "GET", false))
            .Distinct()
            .ToList();

        foreach (var (url, name, api) in addresses)
        {
            var method = new HttpMethod(name);
            using (var response = await SendAsync(anonymous, method, url))
            {
                // A JSON endpoint (the door's fetch of its next code) answers 401 where a page would redirect.
                if (api)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"anonymous {method} {url}: {(int)response.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"anonymous {method} {url}: {(int)response.StatusCode}");
                    Assert.StartsWith("/account/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
                }
            }
            using (var response = await SendAsync(user.Browser, method, url))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"non-administrator {method} {url}: {(int)response.StatusCode}");
            }
            if (method == HttpMethod.Get)
            {
                using var response = await SendAsync(admin.Browser, HttpMethod.Get, url);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"administrator GET {url}: {(int)response.StatusCode}");
            }
        }
    }

    // Headers only: the live counts are an endless event stream.
    private static Task<HttpResponseMessage> SendAsync(BrowserClient browser, HttpMethod method, string url) =>
        browser.Http.SendAsync(new HttpRequestMessage(method, url) { Content = method == HttpMethod.Post ? new FormUrlEncodedContent([]) : null },
            HttpCompletionOption.ResponseHeadersRead);

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\??\}")]
    private static partial Regex Parameter();
}
