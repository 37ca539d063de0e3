using WxBind.Wechat;

namespace WxBind.Callback;

internal static class CallbackExtensions
{
    public static IHostApplicationBuilder AddCallback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CallbackService>();
        builder.Services.AddSingleton<HelpReplyHandler>();
        builder.Services.AddSingleton<DeliveryMemory>();
        builder.Services.AddSingleton<ProcessedMessageStore>();
        builder.Services.AddHostedService<ProcessedMessageSweeper>();
        return builder;
    }

    /// <summary>
    /// Lets a feature answer WeChat pushes. Handlers are scoped (created for a push they
    /// <see cref="IWechatMessageHandler.Takes"/>) and asked in registration order.
    /// </summary>
    public static IServiceCollection AddWechatMessageHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWechatMessageHandler
    {
        services.AddScoped<THandler>();
        return services.AddSingleton(new WechatHandlerRegistration(typeof(THandler), THandler.Takes));
    }
}

/// <summary>A registered handler: its type, and which pushes it takes.</summary>
internal sealed record WechatHandlerRegistration(Type HandlerType, Func<WechatMessage, bool> Takes);
