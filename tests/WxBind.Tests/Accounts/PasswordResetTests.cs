using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Accounts;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Accounts.AccountTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>Forgot password → link in the (Development) outbox → new password; the link works once and expires.</summary>
public sealed class PasswordResetTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static async Task<HttpResponseMessage> RequestResetAsync(BrowserClient browser, string email) =>
        await browser.SubmitFormAsync("/account/forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });

    private static Uri? MailedLink(WxBindFactory app, string email) =>
        app.Services.GetRequiredService<DevOutbox>().Mails.FirstOrDefault(m => m.To == email)?.Link;

    private static async Task<HttpResponseMessage> SetPasswordAsync(BrowserClient browser, Uri link, string password) =>
        await browser.SubmitFormAsync(link.PathAndQuery, new Dictionary<string, string> { ["Input.Password"] = password });

    [Theory, MemberData(nameof(Providers))]
    public async Task ResetByMailedLinkSetsTheNewPasswordAndEndsOtherSessions(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        var (owner, jar) = BrowserWithJar(app);
        await owner.RegisterAsync(email);
        using var otherDevice = CopyOfLogin(app, jar);
        using var browser = BrowserClient.Create(app);

        var requested = await RequestResetAsync(browser, email);
        Assert.Contains("重设密码的链接已发送", await requested.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var outbox = await browser.GetStringAsync("/dev/outbox");
        Assert.Contains(email, outbox, StringComparison.Ordinal);
        var link = MailedLink(app, email);
        Assert.NotNull(link);
        Assert.Contains(link.ToString(), System.Net.WebUtility.HtmlDecode(outbox), StringComparison.Ordinal);

        var reset = await SetPasswordAsync(browser, link, "brand-new-pass-2");
        app.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("/account/login?reset=1", reset.Headers.Location?.OriginalString);
        Assert.False(await IsLoggedInAsync(otherDevice));
        Assert.False(await IsLoggedInAsync(owner));
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(email, "secret-pass-1")).StatusCode); // old password: the form again
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(email, "brand-new-pass-2")).StatusCode);
        owner.Dispose();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task UsedLinkIsRefusedAndChangesNothing(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync(email);
        await RequestResetAsync(browser, email);
        var link = MailedLink(app, email)!;
        var used = await SetPasswordAsync(browser, link, "brand-new-pass-2");
        Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
        var hash = await UserColumnAsync<string>(app, email, "password_hash");

        var page = await browser.GetStringAsync(link.PathAndQuery);
        var again = await browser.Http.PostAsync(link.PathAndQuery, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Password"] = "third-pass-3",
            ["__RequestVerificationToken"] = BrowserClient.AntiforgeryToken(await browser.GetStringAsync("/account/forgot-password")),
        }));

        Assert.Contains("该重设链接无效、已使用或已过期", page, StringComparison.Ordinal);
        Assert.Contains("/account/forgot-password", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("该重设链接无效、已使用或已过期", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(hash, await UserColumnAsync<string>(app, email, "password_hash"));
    }

    [Fact]
    public async Task ExpiredLinkIsRefusedAndChangesNothing()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var email = NewEmail();
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync(email);
        await RequestResetAsync(browser, email);
        var link = MailedLink(app, email)!;
        var hash = await UserColumnAsync<string>(app, email, "password_hash");

        app.Clock.Advance(TimeSpan.FromMinutes(31));

        Assert.Contains("该重设链接无效、已使用或已过期", await browser.GetStringAsync(link.PathAndQuery), StringComparison.Ordinal);
        Assert.Equal(hash, await UserColumnAsync<string>(app, email, "password_hash"));
    }

    [Fact]
    public async Task AlteredTokenIsRefused()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var email = NewEmail();
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync(email);
        await RequestResetAsync(browser, email);
        var link = MailedLink(app, email)!.PathAndQuery;

        Assert.Contains("该重设链接无效", await browser.GetStringAsync(link[..^3] + "AAA"), StringComparison.Ordinal);
        Assert.Contains("该重设链接无效", await browser.GetStringAsync("/account/reset-password?user=x&token=y"), StringComparison.Ordinal);
        Assert.Contains("该重设链接无效", await browser.GetStringAsync("/account/reset-password"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownEmailGetsTheSameAnswerAndNoMail()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var known = NewEmail();
        var unknown = NewEmail();
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync(known);

        var forKnown = await (await RequestResetAsync(browser, known)).Content.ReadAsStringAsync();
        var forUnknown = await (await RequestResetAsync(browser, unknown)).Content.ReadAsStringAsync();

        Assert.Equal(forKnown.Replace(known, "E", StringComparison.Ordinal), forUnknown.Replace(unknown, "E", StringComparison.Ordinal));
        Assert.Null(MailedLink(app, unknown));
    }

    [Fact]
    public async Task WeakNewPasswordIsRefusedNextToTheFieldAndTheLinkStillWorks()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        var email = NewEmail();
        using var browser = BrowserClient.Create(app);
        await browser.RegisterAsync(email);
        await RequestResetAsync(browser, email);
        var link = MailedLink(app, email)!;

        var weak = await SetPasswordAsync(browser, link, "short");

        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("密码至少需要 8 位", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(browser, link, "brand-new-pass-2")).StatusCode);
    }
}
