using WxBind.Callback;

namespace WxBind.WechatWeb;

internal static class WechatWebExtensions
{
    public static IHostApplicationBuilder AddWechatWeb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WechatWebOptions>().BindConfiguration(WechatWebOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.LinkSecret) || o.LinkSecret.Length >= WechatWebOptions.MinSecretLength,
                $"WechatWeb:LinkSecret must be empty (generated and stored on first start) or at least {WechatWebOptions.MinSecretLength} characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServerSecretStore>();
        builder.Services.AddSingleton<LinkNonceStore>();
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddSingleton<WechatIdentity>();
        builder.Services.AddScoped<LinkProof>();
        builder.Services.AddSingleton<WechatLoginLinks>();
        builder.Services.AddScoped<WechatWebService>();
        builder.Services.AddWechatMessageHandler<BindCommandHandler>();
        return builder;
    }
}
