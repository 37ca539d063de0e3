using System.Net;
using System.Text.RegularExpressions;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.WechatWeb.WechatWebTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>
/// Identity's password rules are shown beside the password field together with every other error
/// of the form, once each; what was typed stays, except the password; nothing is created.
/// </summary>
public sealed partial class PasswordRuleErrorsTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    [Theory, MemberData(nameof(Providers))]
    public async Task RegisterShowsBrokenPasswordRulesBesideThePasswordWithTheOtherFieldErrors(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);

        var response = await browser.RegisterAsync("not-an-email", password: "shortpw", displayName: "保留的昵称");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("邮箱格式不正确。", FieldError(html, "Input.Email"));
        Assert.Equal("密码至少需要 8 位。密码需包含至少一个数字。", FieldError(html, "Input.Password"));
        Assert.Equal("", FieldError(html, "Input.DisplayName"));
        Assert.Equal("", Summary(html));
        Assert.Equal(1, Occurrences(html, "密码需包含至少一个数字"));
        Assert.Contains("value=\"not-an-email\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"保留的昵称\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("shortpw", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"password-rules\"", html, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RegisterWithATakenEmailSaysSoBesideTheEmail(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = AccountTestKit.NewEmail();
        using (var first = BrowserClient.Create(app))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await first.RegisterAsync(email)).StatusCode);
        }
        using var browser = BrowserClient.Create(app);

        var html = await (await browser.RegisterAsync(email, displayName: "第二个")).Content.ReadAsStringAsync();

        Assert.Equal("该邮箱已注册，请直接登录。", FieldError(html, "Input.Email"));
        Assert.Equal("", Summary(html));
        Assert.Equal(1L, await AccountTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task InWechatRegisterShowsBrokenPasswordRulesBesideThePasswordAndCreatesNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var link = await BindLinkAsync(sim, openId);
        await sim.OpenAsync(openId, link);
        var email = NewEmail();

        var page = await SubmitInWechatAsync(sim, openId, "http://localhost/wx/register", RegisterForm(email, "微信用户", password: "NOLOWER12"));

        Assert.Equal(200, page.GetProperty("status").GetInt32());
        var html = page.GetProperty("body").GetString()!;
        Assert.Equal("密码需包含至少一个小写字母。", FieldError(html, "Input.Password"));
        Assert.Equal("", FieldError(html, "Input.Email"));
        Assert.Equal("", Summary(html));
        Assert.Contains($"value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("NOLOWER12", html, StringComparison.Ordinal);
        Assert.Equal(0L, await AccountTestKit.ScalarAsync<long>(app, "SELECT COUNT(*) FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
    }

    /// <summary>The text of the error span beside <paramref name="field"/> (empty when it has none).</summary>
    private static string FieldError(string html, string field)
    {
        var match = Regex.Match(html, $"<span[^>]*data-valmsg-for=\"{Regex.Escape(field)}\"[^>]*>(.*?)</span>", RegexOptions.Singleline);
        Assert.True(match.Success, $"No error span for {field}.");
        return WebUtility.HtmlDecode(match.Groups[1].Value).Trim();
    }

    /// <summary>The form's summary, which holds only errors that belong to no field.</summary>
    private static string Summary(string html)
    {
        var match = Regex.Match(html, "data-testid=\"errors\"[^>]*>(.*?)</div>", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(TagRegex().Replace(match.Groups[1].Value, "")).Trim() : "";
    }

    private static int Occurrences(string text, string part) => Regex.Count(text, Regex.Escape(part));

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagRegex();
}
