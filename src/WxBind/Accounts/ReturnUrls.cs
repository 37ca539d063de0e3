namespace WxBind.Accounts;

/// <summary>Only local paths are followed after login: no open redirect through <c>returnUrl</c>.</summary>
internal static class ReturnUrls
{
    public static string Safe(string? returnUrl, string fallback = "/account") =>
        IsLocal(returnUrl) ? returnUrl! : fallback;

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("://", StringComparison.Ordinal)
        && !url.Any(char.IsControl);
}
