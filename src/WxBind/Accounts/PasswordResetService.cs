using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary>
/// "Forgot password": a single-use, expiring link by e-mail, and the new password it sets. The
/// request says the same thing whether or not the e-mail has an account.
/// </summary>
internal sealed partial class PasswordResetService(
    UserManager<User> users,
    LoginLockout lockout,
    IOptions<WxBindOptions> site,
    IOptions<AccountOptions> options,
    TimeProvider time,
    IStringLocalizer<SharedResource> text,
    ILogger<PasswordResetService> logger,
    IMailSender? mail = null)
{
    /// <summary>False where no mail can be sent (outside Development without <c>WxBind:Smtp</c>).</summary>
    public bool IsAvailable => mail is not null;

    public async Task RequestAsync(string email, CancellationToken cancellationToken)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null || mail is null)
        {
            return;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = new Uri(site.Value.PublicBaseUri,
            $"account/reset-password?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}");
        var minutes = (int)options.Value.PasswordResetLifetime.TotalMinutes;
        await mail.SendAsync(new OutgoingMail(user.Email, text["ResetMailSubject"], text["ResetMailBody", link, minutes], link, time.GetUtcNow()), cancellationToken);
        LogResetRequested(logger, user.Id);
    }

    /// <summary>The account the link is for, when the link still works.</summary>
    public async Task<User?> FindForLinkAsync(string? userId, string? token)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(token) || userId.Length > 64 || token.Length > 1024)
        {
            return null;
        }
        var user = await users.FindByIdAsync(userId);
        return user is not null && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<User>.ResetPasswordTokenPurpose, token)
            ? user
            : null;
    }

    /// <summary>
    /// Sets the new password (which changes the security stamp: the link is used up and every
    /// session of the account ends) and lifts a lockout. Null when the link no longer works.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ResetAsync(User user, string token, string password, CancellationToken cancellationToken)
    {
        var result = await users.ResetPasswordAsync(user, token, password);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
                ? null
                : result.Errors.Select(e => e.Description).Distinct().ToList();
        }
        await lockout.ResetAsync(user.Id, cancellationToken);
        LogPasswordReset(logger, user.Id);
        return [];
    }

    [LoggerMessage(2004, LogLevel.Information, "Password reset link sent for user {UserId}")]
    private static partial void LogResetRequested(ILogger logger, string userId);

    [LoggerMessage(2005, LogLevel.Information, "User {UserId} set a new password through a reset link; every session of the account has ended")]
    private static partial void LogPasswordReset(ILogger logger, string userId);
}
