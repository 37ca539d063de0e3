namespace WxBind.QrLogin;

/// <summary>"Chrome · Windows": enough for the person confirming on the phone to recognise their computer.</summary>
internal static class UserAgentSummary
{
    public static string Of(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "?";
        }
        var browser = Find(userAgent, ("MicroMessenger", "微信"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
            ("Chromium/", "Chromium"), ("HeadlessChrome/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"));
        var system = Find(userAgent, ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"));
        return $"{browser ?? "?"} · {system ?? "?"}";
    }

    private static string? Find(string userAgent, params (string Token, string Name)[] candidates) =>
        candidates.FirstOrDefault(c => userAgent.Contains(c.Token, StringComparison.Ordinal)).Name;
}
