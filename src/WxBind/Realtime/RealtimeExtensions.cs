namespace WxBind.Realtime;

internal static class RealtimeExtensions
{
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IQrSessionNotifier, InProcessQrSessionNotifier>();
        return builder;
    }
}
