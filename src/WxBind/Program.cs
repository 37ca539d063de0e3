using WxBind.Callback;
using WxBind.Storage;
using WxBind.Wechat;

var builder = WebApplication.CreateBuilder(args);
builder.AddStorage();
builder.AddWechat(); builder.AddCallback();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.MapGet("/healthz", () => "ok");
app.MapCallback();
app.Run();

public partial class Program;
