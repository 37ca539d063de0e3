using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace WxBind.Accounts;

/// <summary>Checked at start-up only when <c>WxBind:Smtp:Host</c> is set; each failure names the key.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add("WxBind:Smtp:Port must be between 1 and 65535.");
        }
        if (string.IsNullOrWhiteSpace(options.From) || !MailAddress.TryCreate(options.From, out _))
        {
            failures.Add("WxBind:Smtp:From must be an e-mail address when WxBind:Smtp:Host is set.");
        }
        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("WxBind:Smtp:UserName and WxBind:Smtp:Password are set together or not at all.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
