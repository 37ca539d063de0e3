using WxBind;
using WxBind.Accounts;
using WxBind.Admin;
using WxBind.Binding;
using WxBind.Callback;
using WxBind.CommandLine;
using WxBind.EmulatorHost;
using WxBind.Events;
using WxBind.Hosting;
using WxBind.Instances;
using WxBind.Localization;
using WxBind.Menu;
using WxBind.Orders;
using WxBind.QrLogin;
using WxBind.QrSessions;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Wechat;
using WxBind.WechatWeb;

// A setting to fix or a port in use ends the start-up with one line naming it (see the catch below).
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddStartupErrors();
    builder.AddEdges();
    // Request-start lines carry query strings: WeChat's openid and signatures, an access_token.
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    builder.Services.AddOptions<WxBindOptions>().BindConfiguration(WxBindOptions.Section).ValidateDataAnnotations().ValidateOnStart();
    builder.AddCommandLine(args);
    builder.AddInstanceName();
    builder.AddStorage();
    builder.AddLocalizedUi();
    builder.AddAccounts();
    builder.AddWechat();
    builder.AddCallback();
    builder.AddRealtime();
    builder.AddQrSessions();
    builder.AddBinding();
    builder.AddQrLogin();
    builder.AddWechatWeb();
    builder.AddEmulatorHost();
    builder.AddAdmin();
    builder.AddEvents();
    builder.AddOrders();
    builder.AddMenu();
    builder.Services.AddOpenApi();

    var app = builder.Build();
    await app.MigrateDatabaseAsync();
    if (CommandLineExtensions.IsCommand(args))
    {
        return await app.RunCommandAsync(args); // e.g. admin grant <email>
    }

    app.UseInstanceHeader();
    app.UseEventStreamHandOff(); // a stopping instance ends its live streams; pages reconnect to another
    app.UseEdges(); // forwarded headers from known proxies, HSTS, __Host- cookies, security headers

    if (!app.Environment.IsDevelopment())
    {
        app.UseExceptionHandler("/error");
    }
    app.UseCallback(); // WeChat's pushes: the branch leaves before the pages' middleware below
    // Pages get a readable error page; the JSON API, WeChat's endpoint and the emulator keep their own bodies.
    app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/wechat")
            && !http.Request.Path.StartsWithSegments("/emulator"),
        pages => pages.UseStatusCodePagesWithReExecute("/error", "?code={0}"));
    app.UseStaticFiles();
    app.UseRequestLocalization();
    app.UseRouting();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.UseAntiforgery();

    app.MapHealthChecks("/healthz");
    app.MapRazorPages();
    app.MapQrSessions();
    app.MapBinding();
    app.MapQrLogin();
    app.MapEmulatorHost();
    app.MapEvents();
    app.MapOrders();
    app.MapOpenApi(); // /openapi/v1.json: the JSON API (QR sessions, binding)

    await app.RunUntilShutdownAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.ForConsole(e) is { } line)
{
    // One line naming the key or the port; no stack trace for a setting to fix.
    Console.Error.WriteLine(line);
    return 1;
}

public partial class Program;
