using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WxBind.Accounts;
using WxBind.Hosting;

namespace WxBind.Tests.Hosting;

/// <summary>Bad settings and a taken port stop the app with one line naming the key or the port, and a non-zero exit.</summary>
public sealed class StartupErrorTests
{
    private static readonly Dictionary<string, string> ProductionSettings = new()
    {
        ["WxBind__PublicBaseUrl"] = "https://wxbind.example.com",
        ["Wechat__AppId"] = "wx5e1a7b3c9d2f4e60",
        ["Wechat__AppSecret"] = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
        ["Wechat__Token"] = "wxbindDevToken2026",
        ["Wechat__EncodingAESKey"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    };

    [Fact]
    public async Task ProductionWithTheEmulatorEnabledExitsNamingTheKey()
    {
        await using var app = AppProcess.Start("Production", new Dictionary<string, string>(ProductionSettings) { ["Emulator__Enabled"] = "true" },
            "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.NotEqual(0, await app.WaitForExitAsync());
        AssertOneClearLine(app.Output, "Emulator:Enabled");
    }

    [Fact]
    public async Task ProductionWithoutPublicBaseUrlExitsNamingTheKey()
    {
        var settings = new Dictionary<string, string>(ProductionSettings);
        settings.Remove("WxBind__PublicBaseUrl");
        await using var app = AppProcess.Start("Production", settings, "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.NotEqual(0, await app.WaitForExitAsync());
        AssertOneClearLine(app.Output, "WxBind:PublicBaseUrl");
    }

    [Fact]
    public async Task UnknownStorageProviderExitsNamingTheKey()
    {
        await using var app = AppProcess.Start("Development", new Dictionary<string, string> { ["WxBind__Storage__Provider"] = "Mongo" },
            "--urls", $"http://127.0.0.1:{FreePort()}");

        Assert.NotEqual(0, await app.WaitForExitAsync());
        AssertOneClearLine(app.Output, "WxBind:Storage:Provider");
    }

    [Fact]
    public async Task PortInUseExitsNamingThePortAndHowToPickAnother()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var app = AppProcess.Start("Development", new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });

        Assert.NotEqual(0, await app.WaitForExitAsync());
        var line = AssertOneClearLine(app.Output, $"127.0.0.1:{port}");
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS", line, StringComparison.Ordinal);
        Assert.DoesNotContain("BackgroundService", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AspNetCoreUrlsIsHonoured()
    {
        var port = FreePort();
        await using var app = AppProcess.Start("Development", new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        using var http = new HttpClient();

        // Polls until the app answers on the port it was given (or has exited, which fails the test).
        HttpResponseMessage? health = null;
        while (health is null && !app.HasExited)
        {
            try
            {
                health = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(health is not null, app.Output);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task ProductionSendsHstsAndDeniesFramingBehindAnHttpsProxy()
    {
        var port = FreePort();
        await using var app = AppProcess.Start("Production", ProductionSettings, "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        HttpResponseMessage? page = null;
        while (page is null && !app.HasExited)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/account/login");
            request.Headers.Host = "wxbind.example.com";
            request.Headers.Add("X-Forwarded-Proto", "https"); // from loopback: a known proxy by default
            try
            {
                page = await http.SendAsync(request);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        Assert.True(page is not null, app.Output);
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-wxbind.af=", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsFailureIsDescribedByItsFullKey()
    {
        var failure = new OptionsValidationException("", typeof(AccountOptions),
            ["DataAnnotation validation failed for 'AccountOptions' members: 'LoginPermitsPerMinute' with the error: 'The field LoginPermitsPerMinute must be between 1 and 10000.'."]);

        Assert.Equal("Configuration error: WxBind:Accounts:LoginPermitsPerMinute: The field LoginPermitsPerMinute must be between 1 and 10000.",
            StartupErrors.Describe(failure));
    }

    [Fact]
    public void AnUnexpectedExceptionIsNotDisguisedAsAConfigurationError() =>
        Assert.Null(StartupErrors.Describe(new InvalidOperationException("Sequence contains no elements")));

    /// <summary>The line naming <paramref name="key"/>, and no stack trace anywhere in the output.</summary>
    private static string AssertOneClearLine(string output, string key)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        return line;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
