using WxBind;
using WxBind.Accounts;
using WxBind.Binding;
using WxBind.Callback;
using WxBind.EmulatorHost;
using WxBind.Localization;
using WxBind.QrSessions;
using WxBind.Realtime;
using WxBind.Storage;
using WxBind.Wechat;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<WxBindOptions>().BindConfiguration(WxBindOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.AddStorage();
builder.AddLocalizedUi();
builder.AddAccounts();
builder.AddWechat();
builder.AddCallback();
builder.AddRealtime();
builder.AddQrSessions();
builder.AddBinding();
builder.AddEmulatorHost();

var app = builder.Build();
await app.MigrateDatabaseAsync();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
}
app.UseStatusCodePagesWithReExecute("/error", "?code={0}");
app.UseStaticFiles();
app.UseRequestLocalization();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapHealthChecks("/healthz");
app.MapRazorPages();
app.MapCallback();
app.MapQrSessions();
app.MapBinding();
app.MapEmulatorHost();

app.Run();

public partial class Program;
