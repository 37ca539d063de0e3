using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// One browser on the site (its own cookies, no automatic redirects), and the emulator's
/// <c>/_sim/</c> control API for the WeChat side: on the site's own address (the emulator mounted
/// in the app), or on <paramref name="wechat"/>'s (the emulator as its own process; shared, not
/// disposed here). Works in process and over sockets alike.
/// </summary>
public sealed partial class SiteClient(HttpClient http, HttpClient? wechat = null) : IDisposable
{
    public HttpClient Http { get; } = http;

    private HttpClient Wechat => wechat ?? Http;

    /// <summary>A browser on a real socket, with its own cookie jar.</summary>
    public static SiteClient Over(Uri root, TimeSpan timeout, HttpClient? wechat = null) => new(new HttpClient(
        new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer(), PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    { BaseAddress = root, Timeout = timeout }, wechat);

    /// <summary>Registers (and so logs in); true when the site answered with its success redirect.</summary>
    public async Task<bool> RegisterAsync(string email, string password, string displayName, CancellationToken cancellationToken = default)
    {
        var token = await AntiforgeryAsync("/account/register", cancellationToken);
        using var response = await Http.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = displayName,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        }), cancellationToken);
        return response.StatusCode == HttpStatusCode.Redirect;
    }

    public async Task<string> AntiforgeryAsync(string page, CancellationToken cancellationToken = default)
    {
        var html = await Http.GetStringAsync(page, cancellationToken);
        var match = TokenRegex().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"{page} has no antiforgery token");
    }

    /// <summary><c>POST /api/qr-sessions</c>: the session id and the code's URL (what the QR image holds).</summary>
    public async Task<(string Id, string QrUrl)> CreateQrSessionAsync(string purpose, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync("/api/qr-sessions", new { purpose }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"POST /api/qr-sessions answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (json.GetProperty("id").GetString()!, json.GetProperty("qrUrl").GetString()!);
    }

    public async Task<string> NewWechatUserAsync(CancellationToken cancellationToken = default) =>
        (await SimAsync("users", new { }, cancellationToken)).GetProperty("openid").GetString()!;

    public Task<JsonElement> ScanAsync(string openId, string qrUrl, CancellationToken cancellationToken = default) =>
        SimAsync("scan", new { openid = openId, url = qrUrl }, cancellationToken);

    public Task<JsonElement> TextAsync(string openId, string content, CancellationToken cancellationToken = default) =>
        SimAsync("text", new { openid = openId, content }, cancellationToken);

    public async Task<JsonElement> SimAsync(string action, object body, CancellationToken cancellationToken = default)
    {
        using var response = await Wechat.PostAsJsonAsync($"/emulator/_sim/{action}", body, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    /// <summary>The text of a passive reply, or the first article's title for a news reply; null without a reply.</summary>
    public static string? ReplyText(JsonElement outcome)
    {
        if (!outcome.TryGetProperty("reply", out var reply) || reply.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (reply.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }
        return reply.TryGetProperty("articles", out var articles) && articles.ValueKind == JsonValueKind.Array && articles.GetArrayLength() > 0
            ? articles[0].GetProperty("title").GetString()
            : null;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
