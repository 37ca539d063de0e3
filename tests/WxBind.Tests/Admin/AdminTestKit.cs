using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using WxBind.CommandLine;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;

namespace WxBind.Tests.Admin;

/// <summary>Accounts, administrators and database reads for the console's tests.</summary>
internal static class AdminTestKit
{
    public sealed record Account(BrowserClient Browser, string Email, string UserId);

    /// <summary>Registers a new account and keeps its browser signed in.</summary>
    public static async Task<Account> RegisterAsync(WxBindFactory app, string displayName = "Tester", string? email = null)
    {
        var browser = BrowserClient.Create(app);
        email ??= $"a{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Redirect, (await browser.RegisterAsync(email, displayName: displayName)).StatusCode);
        var userId = await ScalarAsync<string>(app, "SELECT id FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() });
        return new Account(browser, email, userId);
    }

    /// <summary>A signed-in administrator, granted through the command as an operator would.</summary>
    public static async Task<Account> AdminAsync(WxBindFactory app, string displayName = "管理员")
    {
        var account = await RegisterAsync(app, displayName);
        var (exit, _, error) = await RunCommandAsync(app, "admin", "grant", account.Email);
        Assert.True(exit == 0, error);
        return account;
    }

    /// <summary>Runs a command through the entry point Program.cs uses: exit code, output, error.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunCommandAsync(WxBindFactory app, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CommandLineExtensions.RunAsync(app.Services, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public static async Task<T> ScalarAsync<T>(WxBindFactory app, string sql, object? parameters = null)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static async Task ExecuteAsync(WxBindFactory app, string sql, object? parameters = null)
    {
        await using var connection = await app.Services.GetRequiredService<Database>().OpenForWriteAsync();
        await connection.ExecuteAsync(sql, parameters);
    }
}
