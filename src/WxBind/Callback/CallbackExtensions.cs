namespace WxBind.Callback;

internal static class CallbackExtensions
{
    public static IHostApplicationBuilder AddCallback(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<CallbackService>();
        builder.Services.AddSingleton<HelpReplyHandler>();
        builder.Services.AddSingleton<DeliveryMemory>();
        builder.Services.AddSingleton<ProcessedMessageStore>();
        builder.Services.AddHostedService<ProcessedMessageSweeper>();
        return builder;
    }

    /// <summary>
    /// Lets a feature answer WeChat pushes. Handlers are scoped (one per push) and asked in
    /// registration order; see <see cref="IWechatMessageHandler"/>.
    /// </summary>
    public static IServiceCollection AddWechatMessageHandler<THandler>(this IServiceCollection services)
        where THandler : class, IWechatMessageHandler =>
        services.AddScoped<IWechatMessageHandler, THandler>();
}
