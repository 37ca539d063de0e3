using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;

namespace WxBind.Localization;

internal static class LocalizationExtensions
{
    private static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static IHostApplicationBuilder AddLocalizedUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        // One display time zone for every page, reply and CSV (WxBind:TimeZone, checked at start-up).
        builder.Services.AddSingleton<IPostConfigureOptions<WxBindOptions>, SiteTimeZone>();
        builder.Services.AddSingleton<IValidateOptions<WxBindOptions>, SiteTimeZone>();
        builder.Services.AddSingleton<SiteClock>();
        // Write Chinese as characters, not as &#x...; entities: smaller pages that read well in view-source.
        builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorPages(pages => pages.RootDirectory = "/")
            // jQuery's bracket keys (a[b]=1) are not used here, and its normalizer throws on a
            // key like "a[b" — a 500 for any form post or query string that carries one.
            .AddMvcOptions(mvc =>
            {
                mvc.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
                mvc.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            // Simplified Chinese unless the browser asks for English.
            options.DefaultRequestCulture = new RequestCulture("zh-CN");
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            options.FallBackToParentUICultures = true;
            options.FallBackToParentCultures = true;
        });
        return builder;
    }
}
