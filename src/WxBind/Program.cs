using WxBind.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddStorage();

var app = builder.Build();
await app.MigrateDatabaseAsync();
app.MapGet("/healthz", () => "ok");
app.Run();

public partial class Program;
