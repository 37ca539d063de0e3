using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WxBind.Emulator.Api;
using WxBind.Emulator.OAuth;
using WxBind.Emulator.Phone;
using WxBind.Emulator.Push;
using WxBind.Emulator.Qrcodes;
using WxBind.Emulator.Sim;
using WxBind.Emulator.Tokens;
using WxBind.Emulator.Users;

namespace WxBind.Emulator;

/// <summary>Registers the WeChat platform emulator.</summary>
public static class EmulatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the emulator's in-memory state, its push and browser HTTP clients and options. Mount it
    /// with <see cref="EmulatorEndpointRouteBuilderExtensions.MapWechatEmulator"/>.
    /// </summary>
    public static IServiceCollection AddWechatEmulator(this IServiceCollection services, Action<EmulatorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<EmulatorOptions>()
            .Configure(configure)
            .BindConfiguration(EmulatorOptions.Section)
            .Validate(o => !string.IsNullOrEmpty(o.AppId) && !string.IsNullOrEmpty(o.AppSecret) && !string.IsNullOrEmpty(o.Token),
                "Emulator AppId, AppSecret and Token are required.")
            .Validate(o => o.MessageMode == EmulatorMessageMode.Plain || (o.EncodingAesKey.Length == 43 && o.EncodingAesKey.All(char.IsAsciiLetterOrDigit)),
                "Emulator EncodingAesKey must be 43 characters [A-Za-z0-9] in Compatible and Safe modes.")
            .Validate(o => o.PushAttempts >= 1 && o.PushTimeout > TimeSpan.Zero, "Emulator PushAttempts must be ≥ 1 and PushTimeout positive.")
            .Validate(o => o.CallbackUrl is null || o.CallbackUrl.IsAbsoluteUri, "Emulator CallbackUrl must be absolute.")
            .Validate(o => o.AppBaseUrl is null || o.AppBaseUrl.IsAbsoluteUri, "Emulator:AppBaseUrl must be an absolute URL.")
            .Validate(o => PhoneBrowserProxy.IsValidDomain(o.PhoneBrowserDomain), "Emulator:PhoneBrowserDomain must be a host name such as phone.localhost.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmulatorFaults>();
        services.TryAddSingleton<AccessTokenStore>();
        services.TryAddSingleton<UserStateFile>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<QrcodeStore>();
        services.TryAddSingleton<OAuthStore>();
        services.TryAddSingleton<OAuthAuthorizer>();
        services.TryAddSingleton<MenuStore>();
        services.TryAddSingleton<TemplateRegistry>();
        services.TryAddSingleton<MsgIdGenerator>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<PushService>();
        services.TryAddSingleton<SimActions>();
        services.TryAddSingleton<SimBrowser>();
        services.TryAddSingleton<BrowserTargets>();
        services.TryAddSingleton<PhoneBrowserProxy>();
        // The phone's browser is a site of its own, so it answers before the host's pipeline (its
        // cookies, antiforgery and status pages) ever sees the request.
        services.AddTransient<IStartupFilter, PhoneBrowserStartupFilter>();

        // The emulator enforces WeChat's deadline itself, per attempt.
        services.AddHttpClient(EmulatorOptions.PushHttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);

        // Redirects and cookies are handled by SimBrowser (see there), never by the handler.
        services.AddHttpClient(EmulatorOptions.BrowserHttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.All,
            });

        return services;
    }
}
