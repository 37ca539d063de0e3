using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpOverrides;

namespace WxBind.Hosting;

/// <summary>
/// What every response gets at the edge: the client's scheme and address from trusted proxies
/// only, HSTS outside Development, <c>__Host-</c> cookies under HTTPS and the security headers.
/// </summary>
internal static class EdgeExtensions
{
    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) whose X-Forwarded-* headers are believed.</summary>
    public const string KnownProxiesKey = "WxBind:KnownProxies";

    public static WebApplicationBuilder AddEdges(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection(KnownProxiesKey).Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Loopback stays trusted (the defaults); anything else only when configured.
            foreach (var proxy in proxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else
                {
                    throw new ConfigurationException($"{KnownProxiesKey} holds \"{proxy}\", which is neither an IP address nor a network such as 10.0.0.0/8.");
                }
            }
        });
        builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        builder.Services.Configure<AntiforgeryOptions>(antiforgery =>
        {
            antiforgery.Cookie.Name = "wxbind.af";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    public static WebApplication UseEdges(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.Use(HostPrefixedCookies.Apply);
        var development = app.Environment.IsDevelopment();
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                SecurityHeaders.Add(context, development);
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
