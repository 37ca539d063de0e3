using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WxBind.Emulator.Phone;

/// <summary>The simulated WeChat client page; one embedded, self-contained HTML file.</summary>
internal static class PhoneEndpoints
{
    private const string DefaultLanguage = "data-default-lang=\"zh\"";

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(PhoneEndpoints).Assembly.GetManifestResourceStream("WxBind.Emulator.Phone.phone.html")
            ?? throw new InvalidOperationException("phone.html is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void MapPhoneEndpoints(this IEndpointRouteBuilder group) =>
        group.MapGet("/phone", (HttpRequest request) =>
        {
            // Chinese unless the browser prefers English to Chinese; the page's switch overrides it.
            var page = PrefersEnglish(request) ? Page.Value.Replace(DefaultLanguage, "data-default-lang=\"en\"", StringComparison.Ordinal) : Page.Value;
            return TypedResults.Content(page, "text/html; charset=utf-8");
        });

    private static bool PrefersEnglish(HttpRequest request)
    {
        var first = request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value ?? "")
            .FirstOrDefault(l => l.StartsWith("zh", StringComparison.OrdinalIgnoreCase) || l.StartsWith("en", StringComparison.OrdinalIgnoreCase));
        return first?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
    }
}
