using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Security;

/// <summary>DESIGN §10: no secret, token, password or full openid in the logs, at any level.</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task BindingAndLoginFlowsLogNoSecretTokenPasswordOrOpenId()
    {
        var logs = new CapturingLoggerProvider();
        // Verbose logging switched on everywhere, as an operator chasing a problem would.
        var settings = new Dictionary<string, string?>(AppFixture.SharedSettings)
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };
        await using var logged = await WxBindFactory.CreateAsync(StorageProvider.Sqlite, settings, s => s.AddLogging(l => l.AddProvider(logs)));
        using var browser = new BrowserClient(logged.CreateClient(new() { AllowAutoRedirect = false }));
        const string Password = "very-secret-pass-9";
        var email = $"s{Guid.NewGuid():N}@example.com";
        await browser.RegisterAsync(email, Password);
        var session = await (await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" })).Content.ReadFromJsonAsync<JsonElement>();
        var sim = new SimClient(logged.CreateClient());
        var openId = await sim.NewUserAsync();
        await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        await sim.TextAsync(openId, "绑定");
        await browser.LoginAsync(email, "wrong-pass-1");

        await using var connection = await logged.Services.GetRequiredService<Database>().OpenAsync();
        var token = await connection.ExecuteScalarAsync<string>("SELECT access_token FROM wechat_tokens");
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId }));
        Assert.NotEmpty(logs.Lines);
        var secret = logged.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WxBind.Wechat.WechatOptions>>().Value.AppSecret;
        foreach (var forbidden in new[] { secret, token!, Password, "wrong-pass-1", openId })
        {
            var leak = logs.Lines.FirstOrDefault(line => line.Contains(forbidden, StringComparison.Ordinal));
            Assert.True(leak is null, $"A log line carries a secret: {leak}");
        }
    }
}
