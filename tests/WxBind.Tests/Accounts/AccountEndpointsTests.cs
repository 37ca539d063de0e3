using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Accounts;

/// <summary>Register, log in, log out and lockout through the real pages, on every provider.</summary>
public sealed class AccountEndpointsTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    private static string NewEmail() => $"u{Guid.NewGuid():N}@example.com";

    [Theory, MemberData(nameof(Providers))]
    public async Task RegisterSignsInAndShowsProfile(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();

        var response = await browser.RegisterAsync(email, displayName: "小明");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account", response.Headers.Location?.OriginalString);
        var profile = await browser.GetStringAsync("/account");
        Assert.Contains(email, profile, StringComparison.Ordinal);
        Assert.Contains("小明", profile, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LoginWithCorrectPasswordAndLogout(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        using (var first = BrowserClient.Create(app))
        {
            await first.RegisterAsync(email);
        }

        using var browser = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
        var login = await browser.LoginAsync(email.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

        var logout = await browser.SubmitFormAsync("/account/logout", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var after = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("http://localhost/account/login", after.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WrongPasswordAndUnknownEmailGetTheSameAnswer(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();
        await browser.RegisterAsync(email);
        using var other = BrowserClient.Create(app);

        var wrongPassword = await other.LoginAsync(email, "wrong-pass-1");
        var unknownEmail = await other.LoginAsync(NewEmail(), "wrong-pass-1");

        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknownEmail.StatusCode);
        Assert.Equal(ErrorsOf(await wrongPassword.Content.ReadAsStringAsync()), ErrorsOf(await unknownEmail.Content.ReadAsStringAsync()));
        Assert.Contains("邮箱或密码不正确", ErrorsOf(await unknownEmail.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RepeatedFailuresLockTheAccountEvenForTheRightPassword(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        using (var owner = BrowserClient.Create(app))
        {
            await owner.RegisterAsync(email);
        }
        using var attacker = BrowserClient.Create(app);
        for (var i = 0; i < 5; i++)
        {
            await attacker.LoginAsync(email, "wrong-pass-1");
        }

        var rightPassword = await attacker.LoginAsync(email);

        Assert.Equal(HttpStatusCode.OK, rightPassword.StatusCode); // the form again, not a redirect
        Assert.Contains("账号已锁定，请 15 分钟后再试", await rightPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lockoutEnd = await QueryAsync<long?>(app, "SELECT lockout_end_at FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() });
        Assert.NotNull(lockoutEnd);

        // Once the lockout has run out, the right password works again.
        await QueryAsync<long>(app, "UPDATE users SET lockout_end_at = 0 WHERE normalized_email = @e RETURNING 1", new { e = email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.LoginAsync(email)).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task DuplicateEmailIsRefusedAndNothingIsStored(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var email = NewEmail();
        using var first = BrowserClient.Create(app);
        await first.RegisterAsync(email, displayName: "First");
        using var second = BrowserClient.Create(app);

        var response = await second.RegisterAsync(email.ToUpperInvariant(), displayName: "Second");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("该邮箱已注册", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync<long>(app, "SELECT COUNT(*) FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
        Assert.Equal("First", await QueryAsync<string>(app, "SELECT display_name FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
    }

    public static TheoryData<StorageProvider, string, string, string, string> BadRegistrations()
    {
        var data = new TheoryData<StorageProvider, string, string, string, string>();
        foreach (var provider in TestDatabases.Providers)
        {
            data.Add(provider, "", "Name", "secret-pass-1", "请填写邮箱");
            data.Add(provider, "not-an-email", "Name", "secret-pass-1", "邮箱格式不正确");
            data.Add(provider, "a@b", "Name", "secret-pass-1", "邮箱格式不正确");
            data.Add(provider, "\"Eve\" <eve@example.com>", "Name", "secret-pass-1", "邮箱格式不正确");
            data.Add(provider, new string('a', 250) + "@example.com", "Name", "secret-pass-1", "邮箱太长");
            data.Add(provider, "VALID@example.com", "", "secret-pass-1", "请填写昵称");
            data.Add(provider, "VALID@example.com", new string('名', 65), "secret-pass-1", "昵称太长");
            data.Add(provider, "VALID@example.com", "Name", "short1", "密码至少需要 8 位");
            data.Add(provider, "VALID@example.com", "Name", "nodigitshere", "密码需包含至少一个数字");
            data.Add(provider, "VALID@example.com", "Name", new string('a', 129) + "1", "密码太长");
        }
        return data;
    }

    [Theory, MemberData(nameof(BadRegistrations))]
    public async Task BadRegistrationGetsAClearMessageAndStoresNothing(StorageProvider provider, string email, string name, string password, string message)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        var before = await QueryAsync<long>(app, "SELECT COUNT(*) FROM users", null);
        // A unique e-mail per run, so that the valid-e-mail rows cannot collide with another test.
        email = email.Replace("VALID", $"v{Guid.NewGuid():N}", StringComparison.Ordinal);

        var response = await browser.RegisterAsync(email, password, name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(html.Contains(message, StringComparison.Ordinal), html[html.IndexOf("<form", StringComparison.Ordinal)..]);
        Assert.Equal(before, await QueryAsync<long>(app, "SELECT COUNT(*) FROM users", null));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task PostWithoutAntiforgeryTokenIsRefusedWith400(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        await browser.GetAsync("/account/register"); // has the antiforgery cookie, but posts no token
        var email = NewEmail();

        var response = await browser.Http.PostAsync("/account/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.DisplayName"] = "X",
            ["Input.Password"] = "secret-pass-1",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("请求无效", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync<long>(app, "SELECT COUNT(*) FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
    }

    [Fact]
    public async Task PagesSpeakEnglishWhenTheBrowserAsks()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);
        browser.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        var html = await browser.GetStringAsync("/account/login");

        Assert.Contains("<h1>Log in</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnUrlOutsideTheSiteIsIgnored()
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();
        await browser.RegisterAsync(email);
        using var other = BrowserClient.Create(app);

        var response = await other.SubmitFormAsync("/account/login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "secret-pass-1",
            ["ReturnUrl"] = "//evil.example.com/x",
        });

        Assert.Equal("/account", response.Headers.Location?.OriginalString);
    }

    private static string ErrorsOf(string html)
    {
        var start = html.IndexOf("data-testid=\"errors\"", StringComparison.Ordinal);
        return start < 0 ? "" : html[start..html.IndexOf("</div>", start, StringComparison.Ordinal)];
    }

    private static async Task<T> QueryAsync<T>(WxBindFactory app, string sql, object? args)
    {
        var database = app.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        return (await connection.QuerySingleAsync<T>(sql, args))!;
    }
}
