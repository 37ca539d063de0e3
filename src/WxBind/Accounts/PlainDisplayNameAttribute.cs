using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Localization;
using WxBind.Localization;

namespace WxBind.Accounts;

/// <summary>
/// A display name is plain text: no angle brackets (markup in WeChat messages and pages) and no
/// control or invisible formatting characters (line breaks, right-to-left overrides).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PlainDisplayNameAttribute : ValidationAttribute
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

    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => c is '<' or '>' || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format);
}
