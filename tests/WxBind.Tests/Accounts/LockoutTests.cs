using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Accounts.AccountTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>Failed logins: counted atomically, the lock said with its minutes, every answer paying one hash check.</summary>
public sealed class LockoutTests : IAsyncLifetime
{
    private readonly Dictionary<StorageProvider, WxBindFactory> _apps = [];
    private readonly CountingHasher _hasher = new();

    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    public async Task InitializeAsync()
    {
        var providers = TestDatabases.PostgresAdminConnectionString is null ? [StorageProvider.Sqlite] : new[] { StorageProvider.Sqlite, StorageProvider.Postgres };
        foreach (var provider in providers)
        {
            _apps[provider] = await WxBindFactory.CreateAsync(provider, AppFixture.SharedSettings,
                services => services.AddSingleton<IPasswordHasher<User>>(_hasher));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<(WxBindFactory App, string Email)> AccountAsync(StorageProvider provider)
    {
        var app = _apps[provider];
        var email = NewEmail();
        using var owner = BrowserClient.Create(app);
        Assert.Equal(HttpStatusCode.Redirect, (await owner.RegisterAsync(email)).StatusCode);
        return (app, email);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ParallelWrongPasswordsAllCount(StorageProvider provider)
    {
        var (app, email) = await AccountAsync(provider);
        var attackers = Enumerable.Range(0, 4).Select(_ => BrowserClient.Create(app)).ToList();
        // Each form is fetched first, so the four POSTs go out together.
        var tokens = await Task.WhenAll(attackers.Select(async a => BrowserClient.AntiforgeryToken(await a.GetStringAsync("/account/login"))));

        var responses = await Task.WhenAll(attackers.Select((a, i) => a.Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "wrong-pass-1",
            ["__RequestVerificationToken"] = tokens[i],
        }))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(4, await UserColumnAsync<long>(app, email, "access_failed_count"));
        attackers.ForEach(a => a.Dispose());
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LockedAccountSaysSoWithTheMinutesLeftUntilItEnds(StorageProvider provider)
    {
        var (app, email) = await AccountAsync(provider);
        using var browser = BrowserClient.Create(app);
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("邮箱或密码不正确", await (await browser.LoginAsync(email, "wrong-pass-1")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var fifth = await (await browser.LoginAsync(email, "wrong-pass-1")).Content.ReadAsStringAsync();
        Assert.Contains("账号已锁定，请 15 分钟后再试", fifth, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var rightPassword = await browser.LoginAsync(email);
        Assert.Equal(HttpStatusCode.OK, rightPassword.StatusCode);
        Assert.Contains("账号已锁定，请 10 分钟后再试", await rightPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        browser.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var english = await (await browser.LoginAsync(email)).Content.ReadAsStringAsync();
        Assert.Contains("This account is locked. Try again in 10 minutes.", english, StringComparison.Ordinal);

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.LoginAsync(email)).StatusCode);
        Assert.Equal(0, await UserColumnAsync<long>(app, email, "access_failed_count"));
    }

    [Fact]
    public async Task UnknownEmailIsNeverSaidToBeLocked()
    {
        var app = _apps[StorageProvider.Sqlite];
        using var browser = BrowserClient.Create(app);
        var unknown = NewEmail();

        for (var i = 0; i < 6; i++)
        {
            var html = await (await browser.LoginAsync(unknown, "wrong-pass-1")).Content.ReadAsStringAsync();
            Assert.Contains("邮箱或密码不正确", html, StringComparison.Ordinal);
            Assert.DoesNotContain("锁定，请", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownLockedAndWrongPasswordEachPayOneHashCheck()
    {
        var (app, email) = await AccountAsync(StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);

        async Task<int> ChecksDuringAsync(string loginEmail, string password)
        {
            var before = _hasher.Verifications;
            await browser.LoginAsync(loginEmail, password);
            return _hasher.Verifications - before;
        }

        Assert.Equal(1, await ChecksDuringAsync(email, "wrong-pass-1"));
        Assert.Equal(1, await ChecksDuringAsync(NewEmail(), "wrong-pass-1"));
        for (var i = 0; i < 4; i++)
        {
            await browser.LoginAsync(email, "wrong-pass-1");
        }
        Assert.NotNull(await UserColumnAsync<long?>(app, email, "lockout_end_at"));
        Assert.Equal(1, await ChecksDuringAsync(email, "wrong-pass-1"));
        Assert.Equal(1, await ChecksDuringAsync(email, "secret-pass-1"));
    }

    /// <summary>Identity's hasher, counting how often a password is checked.</summary>
    private sealed class CountingHasher : IPasswordHasher<User>
    {
        private readonly PasswordHasher<User> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(User user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
