using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace WxBind.Accounts;

/// <summary>
/// A display name is plain text: no angle brackets (markup in WeChat messages and pages) and no
/// control or invisible formatting characters (line breaks, right-to-left overrides).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class PlainDisplayNameAttribute : LocalizedValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is not string text || !text.Any(c => c is '<' or '>' || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format);
}
