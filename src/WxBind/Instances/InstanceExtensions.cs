using Microsoft.Extensions.Options;

namespace WxBind.Instances;

internal static class InstanceExtensions
{
    public const string HeaderName = "X-Instance";

    public static IHostApplicationBuilder AddInstanceName(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<InstanceOptions>().BindConfiguration(WxBindOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>Names this instance on every response, error pages and event streams included.</summary>
    public static IApplicationBuilder UseInstanceHeader(this IApplicationBuilder app)
    {
        var name = app.ApplicationServices.GetRequiredService<IOptions<InstanceOptions>>().Value.InstanceName;
        return app.Use((context, next) =>
        {
            // Added as the headers go out: the exception handler clears the response it replaces.
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers[HeaderName] = name;
                return Task.CompletedTask;
            });
            return next(context);
        });
    }
}
