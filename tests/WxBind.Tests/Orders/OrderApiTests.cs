using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WxBind.Storage;
using WxBind.Tests.Admin;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Orders.OrdersTestKit;

namespace WxBind.Tests.Orders;

/// <summary><c>/api/orders</c> and the order forms: what is stored, and what bad input gets.</summary>
public sealed class OrderApiTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task PlacedOrderIsPricedFromTheCatalogueAndListedForItsOwnerOnly(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var me = await AdminTestKit.RegisterAsync(app);
        var other = await AdminTestKit.RegisterAsync(app);

        var id = await PlaceAsync(me.Browser, ("coffee", 2), ("mug", 1));

        var order = await me.Browser.Http.GetFromJsonAsync<JsonElement>($"/api/orders/{id}");
        Assert.Equal(2 * 6800 + 3900, order.GetProperty("amountFen").GetInt64());
        Assert.Equal("pending", order.GetProperty("status").GetString());
        var list = await me.Browser.Http.GetFromJsonAsync<JsonElement>("/api/orders");
        Assert.Equal([id], list.EnumerateArray().Select(o => o.GetProperty("id").GetInt64()));
        Assert.Empty((await other.Browser.Http.GetFromJsonAsync<JsonElement>("/api/orders")).EnumerateArray());
        Assert.Contains("2 × 咖啡豆 250g, 1 × 马克杯", await me.Browser.GetStringAsync("/account/orders"), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadOrders => new()
    {
        { "empty", """{"items":[]}""" },
        { "no items", "{}" },
        { "zero quantities", """{"items":[{"productId":"mug","quantity":0}]}""" },
        { "unknown product", """{"items":[{"productId":"yacht","quantity":1}]}""" },
        { "oversized quantity", """{"items":[{"productId":"mug","quantity":100}]}""" },
        { "negative quantity", """{"items":[{"productId":"mug","quantity":-1},{"productId":"coffee","quantity":2}]}""" },
        { "too many lines", "{\"items\":[" + string.Join(",", Enumerable.Range(0, 11).Select(i => "{\"productId\":\"mug\",\"quantity\":1}")) + "]}" },
        { "product twice", """{"items":[{"productId":"mug","quantity":1},{"productId":"mug","quantity":1}]}""" },
    };

    [Theory, MemberData(nameof(BadOrders))]
    public async Task BadOrderGetsAProblemAndStoresNothing(string what, string json)
    {
        foreach (var provider in AllProviders)
        {
            var app = await apps.GetAsync(provider);
            var me = await AdminTestKit.RegisterAsync(app);
            var response = await me.Browser.Http.PostAsync("/api/orders", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("items", out _), what);
            Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM orders WHERE user_id = @u", new { u = me.UserId }));
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task BadOrderFormShowsWhyAndStoresNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var me = await AdminTestKit.RegisterAsync(app);

        var empty = await me.Browser.SubmitFormAsync("/account/orders", new Dictionary<string, string> { ["Quantities[mug]"] = "0" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("data-testid=\"order-error\"", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await me.Browser.SubmitFormAsync("/account/orders", new Dictionary<string, string> { ["Quantities[yacht]"] = "1" });
        Assert.Contains("yacht", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var garbage = await me.Browser.SubmitFormAsync("/account/orders", new Dictionary<string, string> { ["Quantities[mug]"] = "many" });
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        Assert.Equal(0, await CountAsync(app, "SELECT COUNT(*) FROM orders WHERE user_id = @u", new { u = me.UserId }));
    }

    [Fact]
    public async Task OrderFormCountsOnlyTheChosenProductsAgainstTheLineLimitAndKeepsWhatWasTyped()
    {
        // Two lines at most, three products on the form (each sent, most of them 0); five pieces at most.
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?>(AppFixture.SharedSettings) { ["Orders:MaxLines"] = "2", ["Orders:MaxQuantity"] = "5" });
        var me = await AdminTestKit.RegisterAsync(app);
        var form = await me.Browser.GetStringAsync("/account/orders");
        Assert.Contains("max=\"5\"", form, StringComparison.Ordinal);

        var placed = await me.Browser.SubmitFormAsync("/account/orders", new Dictionary<string, string>
        {
            ["Quantities[coffee]"] = "0", ["Quantities[mug]"] = "2", ["Quantities[tshirt]"] = "1",
        });
        Assert.Equal(HttpStatusCode.Redirect, placed.StatusCode);
        Assert.Contains("2 × 马克杯, 1 × T 恤", await me.Browser.GetStringAsync("/account/orders"), StringComparison.Ordinal);

        var tooMany = await me.Browser.SubmitFormAsync("/account/orders", new Dictionary<string, string>
        {
            ["Quantities[coffee]"] = "1", ["Quantities[mug]"] = "2", ["Quantities[tshirt]"] = "3",
        });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        var html = await tooMany.Content.ReadAsStringAsync();
        Assert.Contains("一个订单中的商品种类太多", html, StringComparison.Ordinal);
        // The form still holds what was typed, to take one product off and try again.
        Assert.Contains("name=\"Quantities[tshirt]\" value=\"3\"", html, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(app, "SELECT COUNT(*) FROM orders WHERE user_id = @u", new { u = me.UserId }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task SomeoneElsesOrderIsNotFoundAndCannotBeCancelled(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var owner = await AdminTestKit.RegisterAsync(app);
        var stranger = await AdminTestKit.RegisterAsync(app);
        var id = await PlaceAsync(owner.Browser, ("mug", 1));

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Browser.GetAsync($"/api/orders/{id}")).StatusCode);
        var cancel = await stranger.Browser.Http.PostAsync($"/api/orders/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal("application/problem+json", cancel.Content.Headers.ContentType?.MediaType);
        Assert.Equal("pending", await AdminTestKit.ScalarAsync<string>(app, "SELECT status FROM orders WHERE id = @id", new { id }));

        // The owner may cancel it, once.
        Assert.Equal(HttpStatusCode.OK, (await owner.Browser.Http.PostAsync($"/api/orders/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.Browser.Http.PostAsync($"/api/orders/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task OrdersApiIsInTheOpenApiDocument()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var document = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/orders\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/orders/{id}/cancel\"", document, StringComparison.Ordinal);
    }
}
