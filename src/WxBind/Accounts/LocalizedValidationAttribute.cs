using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Accounts;

/// <summary>
/// A validation attribute whose message is a <see cref="SharedResource"/> key. MVC localises only
/// the attributes it has adapters for; this one looks its message up itself.
/// </summary>
internal abstract class LocalizedValidationAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value)
            ? ValidationResult.Success
            : new ValidationResult(
                validationContext.GetService(typeof(IStringLocalizer<SharedResource>)) is IStringLocalizer<SharedResource> text
                    ? text[ErrorMessageString]
                    : ErrorMessageString,
                validationContext.MemberName is { } member ? [member] : null);
}
