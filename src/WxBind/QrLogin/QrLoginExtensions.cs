using WxBind.Callback;

namespace WxBind.QrLogin;

internal static class QrLoginExtensions
{
    public static IHostApplicationBuilder AddQrLogin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QrLoginOptions>().BindConfiguration(QrLoginOptions.Section);
        builder.Services.AddScoped<QrLoginService>();
        builder.Services.AddWechatMessageHandler<QrLoginScanHandler>();
        return builder;
    }
}
