using System.ComponentModel.DataAnnotations;
using System.Net.Mail;

namespace WxBind.Accounts;

/// <summary>
/// A real-looking address: what MailAddress accepts as a bare address, with a dotted domain and no
/// display-name tricks. <see cref="EmailAddressAttribute"/> alone accepts almost anything with an '@'.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class StrictEmailAttribute : LocalizedValidationAttribute
{
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
