using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WxBind.Accounts;

namespace WxBind.QrSessions;

internal static class QrSessionsExtensions
{
    public static IHostApplicationBuilder AddQrSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QrSessionOptions>().BindConfiguration(QrSessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<QrSessionStore>();
        builder.Services.AddScoped<QrSessionService>();
        builder.Services.AddHostedService<QrSessionSweeper>();
        builder.Services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(QrSessionEndpoints.CreateRateLimit, context =>
            AccountsExtensions.PerClient(context, context.RequestServices.GetRequiredService<IOptions<QrSessionOptions>>().Value.CreatePermitsPerMinute)));
        return builder;
    }
}
