using System.Net;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Accounts.AccountTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>Whatever comes in <c>returnUrl</c>, login and registration answer a redirect to a local path, never a 500.</summary>
public sealed class ReturnUrlTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<string> NastyReturnUrls() =>
    [
        "/订单/详情?名=张三",
        "/a b/c",
        "/%E4%B8%AD%E6%96%87",
        "/😀",
        "/\ufffd\u200f",
        "/x?q=\"<script>alert(1)</script>",
        "/x#片段",
        "/x\r\nSet-Cookie: evil=1",
        "/%0d%0aSet-Cookie:%20evil=1",
        "/\t/evil.example.com",
        "/\\evil.example.com",
        "/a\\b",
        "//evil.example.com",
        "https://evil.example.com/",
        "javascript:alert(1)",
        " /account",
        "~/account",
        "/" + new string('长', 3000),
    ];

    [Theory, MemberData(nameof(NastyReturnUrls))]
    public async Task LoginWithAnyReturnUrlRedirectsToALocalPath(string returnUrl)
    {
        var app = await apps.GetAsync(WxBind.Storage.StorageProvider.Sqlite);
        var email = NewEmail();
        using (var owner = BrowserClient.Create(app))
        {
            await owner.RegisterAsync(email);
        }
        using var browser = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl))).StatusCode);

        var response = await browser.SubmitFormAsync("/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "secret-pass-1",
            ["ReturnUrl"] = returnUrl,
        });

        AssertLocalRedirect(response);
    }

    [Theory, MemberData(nameof(NastyReturnUrls))]
    public async Task RegisterWithAnyReturnUrlRedirectsToALocalPath(string returnUrl)
    {
        var app = await apps.GetAsync(WxBind.Storage.StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);

        var response = await browser.SubmitFormAsync("/account/register", new Dictionary<string, string>
        {
            ["Input.Email"] = NewEmail(),
            ["Input.DisplayName"] = "Tester",
            ["Input.Password"] = "secret-pass-1",
            ["ReturnUrl"] = returnUrl,
        });

        AssertLocalRedirect(response);
    }

    [Fact]
    public async Task UnreadableFormIsA400PageNotA500()
    {
        var app = await apps.GetAsync(WxBind.Storage.StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);
        var token = BrowserClient.AntiforgeryToken(await browser.GetStringAsync("/account/login"));

        // A NUL in a form field makes the whole form unreadable.
        var response = await browser.Http.PostAsync("/account/login", new StringContent(
            $"__RequestVerificationToken={Uri.EscapeDataString(token)}&Input.Email=a%40b.cn&Input.Password=x&ReturnUrl=/%00",
            System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("请求无效", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChineseReturnUrlArrivesPercentEncoded()
    {
        var app = await apps.GetAsync(WxBind.Storage.StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);

        var response = await browser.SubmitFormAsync("/account/register", new Dictionary<string, string>
        {
            ["Input.Email"] = NewEmail(),
            ["Input.DisplayName"] = "Tester",
            ["Input.Password"] = "secret-pass-1",
            ["ReturnUrl"] = "/订单?a=1",
        });

        Assert.Equal("/%E8%AE%A2%E5%8D%95?a=1", response.Headers.Location?.OriginalString);
    }

    private static void AssertLocalRedirect(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {string.Concat(response.Content.ReadAsStringAsync().Result.Take(3000))}");
        var location = response.Headers.Location?.OriginalString;
        Assert.NotNull(location);
        Assert.StartsWith("/", location, StringComparison.Ordinal);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal), location);
        Assert.DoesNotContain(location, c => c <= ' ' || c >= '\u007f');
    }
}
