using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace WxBind.Emulator.Phone;

/// <summary>Puts the phone's browser in front of whatever pipeline hosts the emulator.</summary>
internal sealed class PhoneBrowserStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var proxy = app.ApplicationServices.GetRequiredService<PhoneBrowserProxy>();
        app.Use(async (context, nextMiddleware) =>
        {
            if (proxy.DeviceOf(context.Request.Host) is { } device)
            {
                await proxy.ServeAsync(context, device);
                return;
            }

            await nextMiddleware(context);
        });
        next(app);
    };
}
