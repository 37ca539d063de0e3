using Microsoft.AspNetCore.Mvc.RazorPages;
using WxBind.Callback;

namespace WxBind.Events;

internal static class EventsExtensions
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventsOptions>().BindConfiguration(EventsOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.ReminderBefore > TimeSpan.Zero, "Events:ReminderBefore must be positive.")
            .Validate(o => o.CheckinOpensBefore >= TimeSpan.Zero, "Events:CheckinOpensBefore must not be negative.")
            .Validate(o => o.ReminderInterval >= TimeSpan.FromSeconds(1), "Events:ReminderInterval must be at least one second.")
            .ValidateOnStart();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<DoorCodes>();
        builder.Services.AddSingleton<EventReminders>();
        builder.Services.AddScoped<EventService>();
        builder.Services.AddWechatMessageHandler<CheckinScanHandler>();
        builder.Services.AddWechatMessageHandler<EventsTextHandler>();
        builder.Services.AddHostedService<EventReminderSender>();
        // One editor page for both: a new event, and an existing one's details.
        builder.Services.Configure<RazorPagesOptions>(pages => pages.Conventions.AddPageRoute("/Events/AdminEdit", "/admin/events/new"));
        return builder;
    }
}
