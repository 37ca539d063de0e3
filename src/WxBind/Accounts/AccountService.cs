using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary>
/// Registration and password login, shared by the website pages and the in-WeChat pages so that
/// every entry point applies the same rules (validation, lockout, no account enumeration).
/// </summary>
public sealed partial class AccountService(
    UserManager<User> users,
    SignInManager<User> signIn,
    IStringLocalizer<SharedResource> text,
    ILogger<AccountService> logger)
{
    // Verified against when the e-mail is unknown, so both answers take about as long.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), "not-a-real-password-1"));

    public async Task<(User? User, IReadOnlyList<string> Errors)> RegisterAsync(RegisterInput input)
    {
        var user = new User { Email = input.Email.Trim(), DisplayName = input.DisplayName.Trim() };
        var result = await users.CreateAsync(user, input.Password);
        if (!result.Succeeded)
        {
            return (null, result.Errors.Select(e => e.Description).Distinct().ToList());
        }
        LogRegistered(logger, user.Id);
        return (user, []);
    }

    /// <summary>Checks e-mail and password; one message for every failure, lockout included.</summary>
    public async Task<(User? User, string? Error)> CheckPasswordAsync(LoginInput input)
    {
        var user = await users.FindByEmailAsync(input.Email.Trim());
        if (user is null)
        {
            new PasswordHasher<User>().VerifyHashedPassword(new User(), DummyHash.Value, input.Password);
            return (null, text["LoginFailed"]);
        }
        var result = await signIn.CheckPasswordSignInAsync(user, input.Password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            LogLockedOut(logger, user.Id);
        }
        return result.Succeeded ? (user, null) : (null, text["LoginFailed"]);
    }

    public Task SignInAsync(User user) => signIn.SignInAsync(user, isPersistent: true);

    public Task SignOutAsync() => signIn.SignOutAsync();

    [LoggerMessage(2001, LogLevel.Information, "Registered user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId);

    [LoggerMessage(2002, LogLevel.Warning, "User {UserId} is locked out after repeated failed logins")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
