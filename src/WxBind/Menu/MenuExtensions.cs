using Microsoft.Extensions.Options;
using WxBind.Callback;
using WxBind.CommandLine;

namespace WxBind.Menu;

internal static class MenuExtensions
{
    public const string PublishOnStartKey = "Wechat:PublishMenuOnStart";

    /// <summary>The custom menu: validated at start-up, published when changed, <c>menu publish</c>, and the HELP click.</summary>
    public static IHostApplicationBuilder AddMenu(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MenuOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The section is the array itself; without one, the default menu.
                var section = configuration.GetSection(MenuOptions.Section);
                options.Buttons = section.Exists() ? section.Get<List<MenuItemOptions>>() ?? [] : MenuOptions.Default;
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MenuOptions>, MenuOptionsValidator>();
        builder.Services.AddTransient<MenuPublisher>();
        builder.Services.AddSingleton<MenuStartupPublisher>();
        // Wechat:PublishMenuOnStart=false leaves publishing to the command (e.g. an account whose menu is edited by hand).
        if (builder.Configuration.GetValue(PublishOnStartKey, defaultValue: true))
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MenuStartupPublisher>());
        }
        builder.Services.AddCommand<MenuPublishCommand>();
        builder.Services.AddWechatMessageHandler<HelpClickHandler>();
        return builder;
    }
}
