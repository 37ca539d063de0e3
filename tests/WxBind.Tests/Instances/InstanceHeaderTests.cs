using System.Net;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Instances;

/// <summary>Every response names the instance that served it, so a balancer's choices can be seen and counted.</summary>
public sealed class InstanceHeaderTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/healthz")]
    [InlineData("/css/site.css")]
    [InlineData("/api/qr-sessions/no-such-session")]
    [InlineData("/no-such-page")]
    public async Task EveryResponseCarriesTheConfiguredInstanceName(string path)
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["WxBind:InstanceName"] = "app-7" });

        var response = await app.CreateClient().GetAsync(path);

        Assert.True(response.Headers.TryGetValues("X-Instance", out var values), $"{path} answered {(int)response.StatusCode} without X-Instance");
        Assert.Equal("app-7", Assert.Single(values));
    }

    [Fact]
    public async Task InstanceNameDefaultsToTheMachineName()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite);

        var response = await app.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Environment.MachineName, Assert.Single(response.Headers.GetValues("X-Instance")));
    }

    [Fact]
    public async Task InstanceNameThatCannotBeAHeaderFailsAtStartNamingTheKey()
    {
        await using var app = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["WxBind:InstanceName"] = "app 1\r\nSet-Cookie: x" });

        var error = Assert.ThrowsAny<Exception>(() => app.Services);

        Assert.Contains("WxBind:InstanceName", error.ToString(), StringComparison.Ordinal);
    }
}
