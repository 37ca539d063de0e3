using WxBind.Accounts;
using WxBind.Localization;
using WxBind.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddStorage();
builder.AddLocalizedUi();
builder.AddAccounts();

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

app.Run();

public partial class Program;
