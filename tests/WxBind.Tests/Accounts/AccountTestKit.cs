using System.Net;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Accounts;

/// <summary>Helpers the account tests share: a browser whose cookies can be read and copied, and SQL reads.</summary>
internal static class AccountTestKit
{
    public static string NewEmail() => $"a{Guid.NewGuid():N}@example.com";

    /// <summary>A browser (no redirects followed) whose cookie jar the test can see.</summary>
    public static (BrowserClient Browser, CookieContainer Jar) BrowserWithJar(WxBindFactory app)
    {
        var jar = new CookieContainer();
        return (new BrowserClient(app.CreateDefaultClient(new CookieContainerHandler(jar))), jar);
    }

    /// <summary>A second browser holding a copy of <paramref name="jar"/>'s login cookie: a stolen or synced cookie.</summary>
    public static BrowserClient CopyOfLogin(WxBindFactory app, CookieContainer jar)
    {
        var cookie = jar.GetCookies(app.Server.BaseAddress).Single(c => c.Name == "wxbind.auth");
        var (copy, copyJar) = BrowserWithJar(app);
        copyJar.Add(app.Server.BaseAddress, new Cookie(cookie.Name, cookie.Value, "/"));
        return copy;
    }

    public static async Task<T> ScalarAsync<T>(WxBindFactory app, string sql, object? args)
    {
        var database = app.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync();
        return (await connection.QuerySingleAsync<T>(sql, args))!;
    }

    public static Task<T> UserColumnAsync<T>(WxBindFactory app, string email, string column) =>
        ScalarAsync<T>(app, $"SELECT {column} FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() });

    /// <summary>The account page answers 200 for a logged-in browser and redirects to login otherwise.</summary>
    public static async Task<bool> IsLoggedInAsync(BrowserClient browser) =>
        (await browser.GetAsync("/account")).StatusCode == HttpStatusCode.OK;
}
