using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using WxBind.Tests.Infrastructure;

namespace WxBind.ClusterTests;

/// <summary>What a WeChat user does on the phone, through the emulator (which pushes to the balancer).</summary>
internal static partial class PhoneSteps
{
    /// <summary>A new simulated user bound to a new website account through a bind QR code.</summary>
    public static async Task<(string Email, string OpenId)> BoundUserAsync(ClusterFixture cluster)
    {
        using var owner = cluster.NewBrowser();
        var email = await owner.RegisterAsync();
        var session = await owner.NewQrSessionAsync("bind");
        var phone = cluster.Phone();
        var openId = await phone.NewUserAsync();
        Assert.Contains("绑定成功", SimClient.ReplyText(await phone.ScanAsync(openId, session.QrUrl)), StringComparison.Ordinal);
        return (email, openId);
    }

    /// <summary>Taps 确认登录 in the in-WeChat browser: opens the link the scan's reply carried, then presses Confirm.</summary>
    public static async Task<string> ConfirmLoginAsync(SimClient phone, string openId, JsonElement scanOutcome)
    {
        var link = scanOutcome.GetProperty("reply").GetProperty("articles")[0].GetProperty("url").GetString()!;
        var token = TokenRegex().Match(link).Groups[1].Value;
        var confirmUrl = new UriBuilder(link) { Query = "handler=Confirm" }.Uri.ToString();
        var done = await SubmitAsync(phone, openId, link, new Dictionary<string, string> { ["t"] = WebUtility.UrlDecode(token) }, confirmUrl);
        return done.GetProperty("body").GetString()!;
    }

    /// <summary>In the user's WeChat browser: opens <paramref name="pageUrl"/> and posts its form with the page's antiforgery token.</summary>
    public static async Task<JsonElement> SubmitAsync(SimClient phone, string openId, string pageUrl, Dictionary<string, string> fields, string? postUrl = null)
    {
        var page = await phone.OpenAsync(openId, pageUrl);
        Assert.Equal(200, page.GetProperty("status").GetInt32());
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(page.GetProperty("body").GetString()!) };
        var answer = await phone.OpenAsync(openId, postUrl ?? page.GetProperty("finalUrl").GetString()!, form);
        Assert.Equal(200, answer.GetProperty("status").GetInt32());
        return answer;
    }

    /// <summary>The href of the first link in a reply text.</summary>
    public static string LinkIn(string? text)
    {
        Assert.NotNull(text);
        var match = HrefRegex().Match(text);
        Assert.True(match.Success, $"No link in: {text}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("[?&]t=([^&]+)")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefRegex();
}
