using WxBind.Storage;

namespace WxBind.Realtime;

internal static class RealtimeExtensions
{
    public static IHostApplicationBuilder AddRealtime(this IHostApplicationBuilder builder)
    {
        // One instance (SQLite) signals in process; instances sharing PostgreSQL signal each other.
        if (builder.Configuration.GetValue<StorageProvider?>($"{StorageOptions.Section}:Provider") == StorageProvider.Postgres)
        {
            builder.Services.AddSingleton<PostgresQrSessionNotifier>();
            builder.Services.AddSingleton<IQrSessionNotifier>(sp => sp.GetRequiredService<PostgresQrSessionNotifier>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresQrSessionNotifier>());
        }
        else
        {
            builder.Services.AddSingleton<IQrSessionNotifier, InProcessQrSessionNotifier>();
        }
        return builder;
    }
}
