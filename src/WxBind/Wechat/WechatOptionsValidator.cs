using Microsoft.Extensions.Options;

namespace WxBind.Wechat;

/// <summary>The rules that span fields or that data annotations cannot say; each failure names the key.</summary>
internal sealed class WechatOptionsValidator : IValidateOptions<WechatOptions>
{
    public ValidateOptionsResult Validate(string? name, WechatOptions options)
    {
        var failures = new List<string>();
        if (options.MessageMode != WechatMessageMode.Plain
            && (options.EncodingAesKey.Length != 43 || !options.EncodingAesKey.All(char.IsAsciiLetterOrDigit)))
        {
            failures.Add($"Wechat:EncodingAESKey must be 43 characters [A-Za-z0-9] when Wechat:MessageMode is {options.MessageMode}.");
        }
        foreach (var (key, value) in new[] { ("ApiBaseUrl", options.ApiBaseUrl), ("MpBaseUrl", options.MpBaseUrl), ("OpenBaseUrl", options.OpenBaseUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Wechat:{key} must be an absolute http(s) URL.");
            }
        }
        if (options.CallbackTimestampWindow <= TimeSpan.Zero)
        {
            failures.Add("Wechat:CallbackTimestampWindow must be positive.");
        }
        if (options.DedupWindow <= TimeSpan.Zero)
        {
            failures.Add("Wechat:DedupWindow must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
