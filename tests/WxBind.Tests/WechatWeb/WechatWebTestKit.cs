using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.WechatWeb;

/// <summary>What the in-WeChat login tests share: links out of replies, the pages' forms, and counting bindings.</summary>
internal static partial class WechatWebTestKit
{
    public static Dictionary<string, string> RegisterForm(string email, string name = "微信用户", string password = "secret-pass-1") => new()
    {
        ["Input.Email"] = email,
        ["Input.DisplayName"] = name,
        ["Input.Password"] = password,
    };

    public static Dictionary<string, string> LoginForm(string email, string password = "secret-pass-1") => new()
    {
        ["Input.Email"] = email,
        ["Input.Password"] = password,
    };

    public static string NewEmail() => $"w{Guid.NewGuid():N}@example.com";

    /// <summary>The href of the first link in a reply text.</summary>
    public static string LinkIn(string? text)
    {
        Assert.NotNull(text);
        var match = HrefRegex().Match(text);
        Assert.True(match.Success, $"No link in: {text}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Sends 绑定 as the user (following first: WeChat takes messages from followers only) and returns the link in the reply.</summary>
    public static async Task<string> BindLinkAsync(SimClient sim, string openId)
    {
        await sim.FollowAsync(openId);
        return LinkIn(SimClient.ReplyText(await sim.TextAsync(openId, "绑定")));
    }

    /// <summary>
    /// In the user's WeChat browser: opens <paramref name="pageUrl"/>, then posts its form with the
    /// page's antiforgery token, like tapping the button.
    /// </summary>
    public static async Task<JsonElement> SubmitInWechatAsync(SimClient sim, string openId, string pageUrl, Dictionary<string, string> fields)
    {
        var page = await sim.OpenAsync(openId, pageUrl);
        Assert.Equal(200, page.GetProperty("status").GetInt32());
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(page.GetProperty("body").GetString()!) };
        return await sim.OpenAsync(openId, pageUrl, form);
    }

    /// <summary>Taps <paramref name="link"/> in WeChat, then registers on <c>/wx/register</c>.</summary>
    public static async Task<JsonElement> RegisterInWechatAsync(SimClient sim, string openId, string link, string email, string name = "微信用户")
    {
        await sim.OpenAsync(openId, link);
        return await SubmitInWechatAsync(sim, openId, "http://localhost/wx/register", RegisterForm(email, name));
    }

    /// <summary>Taps <paramref name="link"/> in WeChat, then logs in on <c>/wx/login</c>.</summary>
    public static async Task<JsonElement> LoginInWechatAsync(SimClient sim, string openId, string link, string email, string password = "secret-pass-1")
    {
        await sim.OpenAsync(openId, link);
        return await SubmitInWechatAsync(sim, openId, "http://localhost/wx/login", LoginForm(email, password));
    }

    /// <summary>WeChat's own browser on a phone: what the link pages check before asking WeChat who holds it.</summary>
    public const string WechatUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN";

    /// <summary>A browser that says it is WeChat's (as anyone's can): only OAuth tells who holds it.</summary>
    public static BrowserClient WechatBrowser(WxBindFactory app)
    {
        var browser = BrowserClient.Create(app);
        browser.Http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", WechatUserAgent);
        return browser;
    }

    /// <summary>
    /// Opens <paramref name="link"/> in <paramref name="browser"/> and lets WeChat's authorize page
    /// answer as <paramref name="openId"/>: the response of the OAuth callback.
    /// </summary>
    public static async Task<HttpResponseMessage> OpenAsWechatUserAsync(WxBindFactory app, BrowserClient browser, string link, string openId)
    {
        var opened = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        using var wechat = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var authorize = new HttpRequestMessage(HttpMethod.Get, opened.Headers.Location);
        authorize.Headers.Add("Cookie", $"wxemu_openid={openId}");
        var answered = await wechat.SendAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        return await browser.GetAsync(answered.Headers.Location!.ToString());
    }

    /// <summary>The stored facts a refused link must leave as they were: users, bindings, ledger and spent nonces.</summary>
    public static async Task<(long Users, long Bindings, long Ledger, long Nonces)> StoredCountsAsync(WxBindFactory app) => (
        await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users", null),
        await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings", null),
        await ScalarAsync<long>(app, "SELECT COUNT(*) FROM binding_ledger", null),
        await ScalarAsync<long>(app, "SELECT COUNT(*) FROM link_nonces", null));

    /// <summary>A clear refusal: the status, the reason code, and a readable message.</summary>
    public static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        AssertRefusalPage(body, reason);
    }

    public static void AssertRefusalPage(string body, string reason)
    {
        Assert.Contains($"data-reason=\"{reason}\"", body, StringComparison.Ordinal);
        var message = MessageRegex().Match(body);
        Assert.True(message.Success && message.Groups[1].Value.Trim().Length > 5, "The refusal has no readable message.");
        Assert.Contains("未做任何更改", body, StringComparison.Ordinal);
    }

    public static async Task<long> BindingsOfOpenIdAsync(WxBindFactory app, string openId) =>
        await ScalarAsync<long>(app, "SELECT COUNT(*) FROM wechat_bindings WHERE openid = @openId", new { openId });

    public static async Task<string?> BoundUserIdAsync(WxBindFactory app, string openId) =>
        await ScalarAsync<string?>(app, "SELECT user_id FROM wechat_bindings WHERE openid = @openId", new { openId });

    public static async Task<string?> UserIdAsync(WxBindFactory app, string email) =>
        await ScalarAsync<string?>(app, "SELECT id FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() });

    public static async Task<T> ScalarAsync<T>(WxBindFactory app, string sql, object? args)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefRegex();

    [GeneratedRegex("data-testid=\"wx-refusal-message\">([^<]*)<")]
    private static partial Regex MessageRegex();
}
