using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary>
/// Registration and password login, shared by the website pages and the in-WeChat pages so that
/// every entry point applies the same rules (validation, lockout, no account enumeration).
/// </summary>
/// <remarks>
/// Enumeration: an unknown e-mail and a wrong password get the same message and cost one password
/// hash check each. A locked account is said to be locked (with the minutes left), which tells
/// whoever caused the lock that the e-mail exists; that is inherent to lockout, needs
/// <see cref="AccountOptions.MaxFailedAccessAttempts"/> guesses per address, and the per-client
/// login rate limit bounds it. An unknown e-mail is never said to be locked.
/// </remarks>
public sealed partial class AccountService(
    UserManager<User> users,
    SignInManager<User> signIn,
    IPasswordHasher<User> hasher,
    IServiceProvider services,
    IOptions<AccountOptions> options,
    TimeProvider time,
    IStringLocalizer<SharedResource> text,
    ILogger<AccountService> logger)
{
    // Verified against when the e-mail is unknown, so both answers take about as long.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(new User(), "not-a-real-password-1"));

    // Page models are public and activated through public constructors; the store stays internal.
    private LoginLockout Lockout => services.GetRequiredService<LoginLockout>();

    public async Task<(User? User, IReadOnlyList<AccountError> Errors)> RegisterAsync(RegisterInput input)
    {
        var user = new User { Email = input.Email.Trim(), DisplayName = input.DisplayName.Trim() };
        var result = await users.CreateAsync(user, input.Password);
        if (!result.Succeeded)
        {
            return (null, AccountError.From(result.Errors));
        }
        LogRegistered(logger, user.Id);
        return (user, []);
    }

    /// <summary>
    /// Every password rule <paramref name="password"/> breaks, each once, so a form can show them
    /// beside the password field together with its other errors. An empty password is left to the
    /// form's own "required" rule.
    /// </summary>
    public async Task<IReadOnlyList<AccountError>> CheckPasswordRulesAsync(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return [];
        }
        var broken = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            broken.AddRange((await validator.ValidateAsync(users, new User(), password)).Errors);
        }
        return AccountError.From(broken);
    }

    /// <summary>
    /// Checks e-mail and password: one message for an unknown e-mail or a wrong password, and
    /// "locked, try again in N minutes" while the account is locked (even for the right password).
    /// </summary>
    public async Task<(User? User, string? Error)> CheckPasswordAsync(LoginInput input, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByEmailAsync(input.Email.Trim());
        if (user is null)
        {
            hasher.VerifyHashedPassword(new User(), DummyHash.Value, input.Password);
            return (null, text["LoginFailed"]);
        }
        var now = time.GetUtcNow();
        if (user.LockoutEnabled && user.LockoutEndAt > now)
        {
            // Pays the hash check a wrong password pays, so a lock cannot be told apart by time alone.
            hasher.VerifyHashedPassword(user, user.PasswordHash ?? DummyHash.Value, input.Password);
            return (null, LockedMessage(user.LockoutEndAt.Value, now));
        }
        if (!await users.CheckPasswordAsync(user, input.Password))
        {
            var lockedUntil = await Lockout.RecordFailureAsync(user.Id, now, options.Value.MaxFailedAccessAttempts, options.Value.LockoutDuration, cancellationToken);
            if (lockedUntil is null)
            {
                return (null, text["LoginFailed"]);
            }
            LogLockedOut(logger, user.Id);
            return (null, LockedMessage(lockedUntil.Value, now));
        }
        await Lockout.ResetAsync(user.Id, cancellationToken);
        return (user, null);
    }

    public Task SignInAsync(User user) => signIn.SignInAsync(user, isPersistent: true);

    /// <summary>
    /// Signs out and changes the account's security stamp: a copy of the cookie stops working at
    /// its next request, and so do the account's sessions on other devices.
    /// </summary>
    public async Task SignOutAsync(System.Security.Claims.ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            LogSessionsEnded(logger, user.Id);
        }
        await signIn.SignOutAsync();
    }

    private string LockedMessage(DateTimeOffset lockedUntil, DateTimeOffset now) =>
        text["LockedOut", Math.Max(1, (int)Math.Ceiling((lockedUntil - now).TotalMinutes))];

    [LoggerMessage(2001, LogLevel.Information, "Registered user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId);

    [LoggerMessage(2002, LogLevel.Warning, "User {UserId} is locked out after repeated failed logins")]
    private static partial void LogLockedOut(ILogger logger, string userId);

    [LoggerMessage(2003, LogLevel.Information, "User {UserId} signed out: every session of the account has ended")]
    private static partial void LogSessionsEnded(ILogger logger, string userId);
}
