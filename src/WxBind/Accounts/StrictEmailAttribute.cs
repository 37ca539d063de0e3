using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Accounts;

/// <summary>
/// A real-looking address: what MailAddress accepts as a bare address, with a dotted domain and no
/// display-name tricks. <see cref="EmailAddressAttribute"/> alone accepts almost anything with an '@'.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class StrictEmailAttribute : ValidationAttribute
{
    // MVC localises only the attributes it has adapters for; this one looks its message up itself.
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value)
            ? ValidationResult.Success
            : new ValidationResult(
                validationContext.GetService(typeof(IStringLocalizer<SharedResource>)) is IStringLocalizer<SharedResource> text
                    ? text[ErrorMessageString]
                    : ErrorMessageString,
                validationContext.MemberName is { } member ? [member] : null);

    public override bool IsValid(object? value)
    {
        if (value is not string text || text.Length == 0)
        {
            return true; // [Required] reports emptiness.
        }
        return MailAddress.TryCreate(text, out var address)
            && address.Address == text
            && address.Host.Contains('.', StringComparison.Ordinal)
            && !address.Host.EndsWith('.');
    }
}
