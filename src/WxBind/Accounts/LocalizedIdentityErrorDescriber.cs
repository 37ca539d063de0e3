using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Accounts;

/// <summary>Identity's validation messages in the user's language.</summary>
internal sealed class LocalizedIdentityErrorDescriber(IStringLocalizer<SharedResource> text) : IdentityErrorDescriber
{
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), text["EmailTaken"]);
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateEmail), text["EmailTaken"]);
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), text["EmailInvalid"]);
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidEmail), text["EmailInvalid"]);
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), text["PasswordTooShort", length]);
    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), text["PasswordRequiresDigit"]);
    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), text["PasswordRequiresLower"]);
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), text["ConcurrencyFailure"]);

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
