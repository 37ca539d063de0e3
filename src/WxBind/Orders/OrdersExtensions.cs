using WxBind.Callback;

namespace WxBind.Orders;

internal static class OrdersExtensions
{
    public static IHostApplicationBuilder AddOrders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrdersOptions>().BindConfiguration(OrdersOptions.Section)
            // With no products configured the shop offers its samples.
            .PostConfigure(o => o.Products = o.Products.Count == 0 ? OrdersOptions.DefaultProducts : o.Products)
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<OrdersOptions>, OrdersOptionsValidator>();
        builder.Services.AddOptions<WechatTemplatesOptions>().BindConfiguration(WechatTemplatesOptions.Section);
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddScoped<OrderService>();
        builder.Services.AddWechatMessageHandler<MyOrdersHandler>();
        return builder;
    }
}
