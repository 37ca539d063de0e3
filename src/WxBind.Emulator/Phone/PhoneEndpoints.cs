using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace WxBind.Emulator.Phone;

/// <summary>The simulated WeChat client page; one embedded, self-contained HTML file.</summary>
internal static class PhoneEndpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(PhoneEndpoints).Assembly.GetManifestResourceStream("WxBind.Emulator.Phone.phone.html")
            ?? throw new InvalidOperationException("phone.html is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void MapPhoneEndpoints(this IEndpointRouteBuilder group) =>
        group.MapGet("/phone", () => TypedResults.Content(Page.Value, "text/html; charset=utf-8"));
}
