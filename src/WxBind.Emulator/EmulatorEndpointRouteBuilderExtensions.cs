using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WxBind.Emulator.Api;
using WxBind.Emulator.OAuth;
using WxBind.Emulator.Phone;
using WxBind.Emulator.Sim;

namespace WxBind.Emulator;

/// <summary>Mounts the emulator's endpoints.</summary>
public static class EmulatorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps WeChat's APIs at WeChat's own paths under <paramref name="prefix"/> (e.g.
    /// <c>/emulator/cgi-bin/token</c>), the <c>/_sim/</c> control API and the <c>/phone</c> page.
    /// Keep <see cref="EmulatorOptions.PathBase"/> equal to the prefix.
    /// </summary>
    public static IEndpointConventionBuilder MapWechatEmulator(this IEndpointRouteBuilder endpoints, string prefix = "/emulator")
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var group = endpoints.MapGroup(prefix);
        // The emulator plays an outside party (WeChat); it must never sit behind the app's own login.
        group.AllowAnonymous();
        group.ExcludeFromDescription();
        group.MapTokenEndpoints();
        group.MapQrcodeEndpoints();
        group.MapMessageEndpoints();
        group.MapUserEndpoints();
        group.MapMenuEndpoints();
        group.MapOAuthEndpoints();
        group.MapSimEndpoints();
        group.MapPhoneEndpoints();
        return group;
    }
}
