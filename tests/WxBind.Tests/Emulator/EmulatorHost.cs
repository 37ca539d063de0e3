using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WxBind.Emulator;

namespace WxBind.Tests.Emulator;

/// <summary>
/// The emulator alone in a TestServer, with a fake callback and a few stand-in app pages, and its
/// push and browser clients pointed back at the same in-memory server.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    public const string AppId = "wxb11529c136998cb6";
    public const string AppSecret = "emulator-test-secret";
    public const string Token = "pamtest";
    public const string EncodingAesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    public const string OriginalId = "gh_wxbind000001";

    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, FakeTimeProvider time, FakeCallback callback)
    {
        _app = app;
        Time = time;
        Callback = callback;
        Client = app.GetTestClient();
    }

    public FakeTimeProvider Time { get; }

    public FakeCallback Callback { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// Requests that reached <c>/internal/secret</c>, a stand-in for a local service on another
    /// port: the test server's handler would deliver any host's request here, so a fetch shows up.
    /// </summary>
    public StrongBox<int> SecretHits { get; private init; } = new();

    public static async Task<EmulatorHost> StartAsync(EmulatorMessageMode mode = EmulatorMessageMode.Plain, Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            AppId = AppId,
            AppSecret = AppSecret,
            Token = Token,
            EncodingAesKey = EncodingAesKey,
            MessageMode = mode,
            OriginalId = OriginalId,
            CallbackUrl = new Uri("http://localhost/wechat/callback"),
            PathBase = "/emulator",
        };
        configure?.Invoke(options);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var time = new FakeTimeProvider();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddWechatEmulator(o =>
        {
            o.AppId = options.AppId;
            o.AppSecret = options.AppSecret;
            o.Token = options.Token;
            o.EncodingAesKey = options.EncodingAesKey;
            o.MessageMode = options.MessageMode;
            o.OriginalId = options.OriginalId;
            o.CallbackUrl = options.CallbackUrl;
            o.PathBase = options.PathBase;
            o.PublicBaseUrl = options.PublicBaseUrl;
            o.PushTimeout = options.PushTimeout;
            o.PushAttempts = options.PushAttempts;
            o.RegenerateSignatureOnRetry = options.RegenerateSignatureOnRetry;
            o.DefaultQrExpireSeconds = options.DefaultQrExpireSeconds;
            o.AppBaseUrl = options.AppBaseUrl;
            o.StateFile = options.StateFile;
        });
        // Resolved lazily: the TestServer exists only once the app is built.
        builder.Services.AddHttpClient(EmulatorOptions.PushHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler());
        builder.Services.AddHttpClient(EmulatorOptions.BrowserHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => ((TestServer)sp.GetRequiredService<IServer>()).CreateHandler());

        var app = builder.Build();
        app.MapWechatEmulator("/emulator");
        var callback = new FakeCallback(options);
        callback.Map(app);
        var secretHits = new StrongBox<int>();
        MapStandInAppPages(app, secretHits);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            callback.Dispose();
            throw;
        }

        return new EmulatorHost(app, time, callback) { SecretHits = secretHits };
    }

    /// <summary>Pages playing the app's part in OAuth and form flows.</summary>
    private static void MapStandInAppPages(WebApplication app, StrongBox<int> secretHits)
    {
        app.MapGet("/internal/secret", () =>
        {
            Interlocked.Increment(ref secretHits.Value);
            return Results.Text("secret");
        });
        app.MapGet("/app/elsewhere", () => Results.Redirect("http://127.0.0.1:6379/internal/secret"));
        app.MapGet("/app/start", (HttpContext context) =>
        {
            context.Response.Cookies.Append("app_session", "s1");
            var redirect = Uri.EscapeDataString("http://localhost/app/landing");
            return Results.Redirect($"/emulator/connect/oauth2/authorize?appid={AppId}&redirect_uri={redirect}&response_type=code&scope=snsapi_base&state=xyz123#wechat_redirect");
        });
        app.MapGet("/app/landing", (HttpRequest request) => Results.Json(new
        {
            code = request.Query["code"].ToString(),
            state = request.Query["state"].ToString(),
            session = request.Cookies["app_session"],
            cookies = request.Headers.Cookie.ToString(),
            userAgent = request.Headers.UserAgent.ToString(),
            origin = request.Headers.Origin.ToString(),
        }));
        app.MapPost("/app/form", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return Results.Redirect("/app/done?name=" + Uri.EscapeDataString(form["name"].ToString()) + "&session=" + request.Cookies["app_session"]);
        }).DisableAntiforgery();
        app.MapGet("/app/done", (HttpRequest request) => Results.Text($"done {request.Query["name"]} {request.Query["session"]}"));
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(new Uri(url, UriKind.Relative));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PostJsonAsync(string url, object body)
    {
        using var response = await Client.PostAsJsonAsync(new Uri(url, UriKind.Relative), body);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<string> GetAccessTokenAsync()
    {
        var json = await GetJsonAsync($"/emulator/cgi-bin/token?grant_type=client_credential&appid={AppId}&secret={AppSecret}");
        return json.GetProperty("access_token").GetString()!;
    }

    public async Task<string> CreateUserAsync(string? nickname = null)
    {
        var json = await PostJsonAsync("/emulator/_sim/users", new { nickname });
        return json.GetProperty("openid").GetString()!;
    }

    public async Task<string> CreateFollowerAsync()
    {
        var openId = await CreateUserAsync();
        await PostJsonAsync("/emulator/_sim/follow", new { openid = openId });
        return openId;
    }

    public Task<JsonElement> SimAsync(string action, object body) => PostJsonAsync("/emulator/_sim/" + action, body);

    public async Task<JsonElement> CreateQrcodeAsync(object body)
    {
        var token = await GetAccessTokenAsync();
        return await PostJsonAsync("/emulator/cgi-bin/qrcode/create?access_token=" + token, body);
    }

    public async Task<JsonElement> InboxAsync(string openId) => await GetJsonAsync("/emulator/_sim/inbox?openid=" + openId);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Callback.Dispose();
    }
}

internal static class JsonAssert
{
    public static int ErrCode(this JsonElement json) => json.TryGetProperty("errcode", out var code) ? code.GetInt32() : 0;

    public static string Str(this JsonElement json, string name) => json.GetProperty(name).GetString()!;
}
