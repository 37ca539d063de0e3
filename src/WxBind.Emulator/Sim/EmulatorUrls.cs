using Microsoft.AspNetCore.Http;

namespace WxBind.Emulator.Sim;

/// <summary>Absolute URLs the emulator hands out, from PublicBaseUrl when set, else the request's host.</summary>
internal static class EmulatorUrls
{
    public static Uri Origin(HttpRequest request, EmulatorOptions options) =>
        options.PublicBaseUrl ?? new Uri($"{request.Scheme}://{request.Host}/");

    public static string Emulator(HttpRequest request, EmulatorOptions options, string path) =>
        new Uri(Origin(request, options), options.PathBase.TrimEnd('/') + path).ToString();
}
