using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using WxBind.Storage;

namespace WxBind.Accounts;

/// <summary>
/// Password-reset tokens: the user id, the account's security stamp and an expiry, data-protected
/// (so they cannot be forged and work on every instance). Resetting the password changes the stamp,
/// so a token works once; the expiry follows the app's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class PasswordResetTokenProvider(IDataProtectionProvider protection, TimeProvider time, IOptions<AccountOptions> options)
    : IUserTwoFactorTokenProvider<User>
{
    public const string Name = "WxBind.PasswordReset";

    private readonly IDataProtector _protector = protection.CreateProtector(Name);

    public async Task<string> GenerateAsync(string purpose, UserManager<User> manager, User user)
    {
        var expires = time.GetUtcNow() + options.Value.PasswordResetLifetime;
        var stamp = await manager.GetSecurityStampAsync(user);
        var payload = $"{purpose}\n{user.Id}\n{stamp}\n{expires.ToUnixTimeSeconds()}";
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<User> manager, User user)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false; // not one of ours, or altered
        }
        if (parts.Length != 4 || parts[0] != purpose || parts[1] != user.Id
            || !long.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || time.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds(expires))
        {
            return false;
        }
        var stamp = await manager.GetSecurityStampAsync(user);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(parts[2]), Encoding.UTF8.GetBytes(stamp));
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<User> manager, User user) => Task.FromResult(false);
}
