using Microsoft.Extensions.Options;

namespace WxBind.Wechat;

internal static class WechatExtensions
{
    /// <summary>Options (validated at start-up), message crypto, the API client and the shared token cache.</summary>
    public static IHostApplicationBuilder AddWechat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WechatOptions>()
            .BindConfiguration(WechatOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WechatOptions>, WechatOptionsValidator>();

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WechatOptions>>().Value;
            return new WechatMessageCrypto(options.EncodingAesKey, options.AppId);
        });

        // The default HttpClient logging writes request URIs, and WeChat puts the AppSecret and the
        // access_token in query strings: no request logging for this client.
        builder.Services.AddHttpClient(WechatApiClient.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<WechatOptions>>().Value.ApiTimeout)
            .RemoveAllLoggers();
        builder.Services.AddSingleton<AccessTokenCache>();
        builder.Services.AddSingleton<WechatDeliveryLog>();
        builder.Services.AddTransient<WechatApiClient>();
        return builder;
    }
}
