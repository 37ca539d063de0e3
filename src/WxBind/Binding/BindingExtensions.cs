using WxBind.Callback;
using WxBind.Storage;

namespace WxBind.Binding;

internal static class BindingExtensions
{
    public static IHostApplicationBuilder AddBinding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BindingStore>();
        builder.Services.AddScoped<BindingService>();
        builder.Services.AddSingleton<UnbindRequestStore>();
        builder.Services.AddWechatMessageHandler<BindingScanHandler>();
        builder.Services.AddWechatMessageHandler<UnbindTextHandler>();
        builder.Services.AddWechatMessageHandler<FollowHandler>();
        return builder;
    }
}
