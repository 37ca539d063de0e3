using Microsoft.Extensions.Options;
using WxBind.Emulator;
using WxBind.Hosting;
using WxBind.Wechat;

namespace WxBind.EmulatorHost;

/// <summary>
/// Mounts the WeChat platform emulator under <c>/emulator</c> when <c>Emulator:Enabled</c> (the
/// Development default). Both sides are configured from the app's own <c>Wechat:*</c> settings,
/// so overriding any of them (for example by environment variable) keeps them in agreement, and
/// the app's WeChat base URLs point at the emulator unless they are set explicitly.
/// </summary>
internal static class EmulatorHostExtensions
{
    public const string PathBase = "/emulator";

    private static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetValue<bool?>("Emulator:Enabled") ?? environment.IsDevelopment();

    public static IHostApplicationBuilder AddEmulatorHost(this IHostApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration, builder.Environment))
        {
            return builder;
        }
        if (builder.Environment.IsProduction())
        {
            // The emulator hands out tokens and forges pushes: never on a real site.
            throw new ConfigurationException("Emulator:Enabled must be false in Production: the WeChat emulator is for development and tests only.");
        }
        var configuration = builder.Configuration;
        builder.Services.AddWechatEmulator(_ => { });
        builder.Services.AddOptions<EmulatorOptions>().Configure<IOptions<WechatOptions>, IOptions<WxBindOptions>>((emulator, wechat, site) =>
        {
            emulator.AppId = wechat.Value.AppId;
            emulator.AppSecret = wechat.Value.AppSecret;
            emulator.Token = wechat.Value.Token;
            emulator.EncodingAesKey = wechat.Value.EncodingAesKey ?? "";
            emulator.MessageMode = Enum.Parse<EmulatorMessageMode>(wechat.Value.MessageMode.ToString());
            emulator.OriginalId = string.IsNullOrEmpty(wechat.Value.OriginalId) ? emulator.OriginalId : wechat.Value.OriginalId;
            emulator.PublicBaseUrl = site.Value.PublicBaseUri;
            emulator.PathBase = PathBase;
            emulator.CallbackUrl = new Uri(site.Value.PublicBaseUri, "wechat/callback");
        });
        builder.Services.AddOptions<WechatOptions>().PostConfigure<IOptions<WxBindOptions>>((wechat, site) =>
        {
            var emulatorBase = new Uri(site.Value.PublicBaseUri, PathBase.TrimStart('/')).ToString();
            if (string.IsNullOrEmpty(configuration["Wechat:ApiBaseUrl"]))
            {
                wechat.ApiBaseUrl = emulatorBase;
            }
            if (string.IsNullOrEmpty(configuration["Wechat:MpBaseUrl"]))
            {
                wechat.MpBaseUrl = emulatorBase;
            }
            if (string.IsNullOrEmpty(configuration["Wechat:OpenBaseUrl"]))
            {
                wechat.OpenBaseUrl = emulatorBase;
            }
        });
        return builder;
    }

    public static WebApplication MapEmulatorHost(this WebApplication app)
    {
        if (IsEnabled(app.Configuration, app.Environment))
        {
            app.MapWechatEmulator(PathBase);
        }
        return app;
    }
}
