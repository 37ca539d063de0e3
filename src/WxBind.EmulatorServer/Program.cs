// The WeChat platform emulator as a process of its own, so that several app instances behind a
// load balancer talk to one WeChat: one token store, one set of simulated users, and pushes that
// go to the balancer's callback like WeChat's do.
using Microsoft.Extensions.Options;
using WxBind.Emulator;
using WxBind.EmulatorServer;

var builder = WebApplication.CreateBuilder(args);
// Request-start lines carry query strings: access tokens, OAuth codes, signatures.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.Services.AddOptions<WechatAccountOptions>().BindConfiguration(WechatAccountOptions.Section)
    .ValidateDataAnnotations()
    .Validate(o => o.MessageMode == EmulatorMessageMode.Plain || !string.IsNullOrEmpty(o.EncodingAesKey),
        "Wechat:EncodingAESKey is required unless Wechat:MessageMode is Plain.")
    .ValidateOnStart();
builder.Services.AddOptions<EmulatorServerOptions>().BindConfiguration(EmulatorServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddWechatEmulator(_ => { });
builder.Services.AddOptions<EmulatorOptions>().Configure<IOptions<WechatAccountOptions>, IOptions<EmulatorServerOptions>>((emulator, account, server) =>
{
    emulator.AppId = account.Value.AppId;
    emulator.AppSecret = account.Value.AppSecret;
    emulator.Token = account.Value.Token;
    emulator.EncodingAesKey = account.Value.EncodingAesKey ?? "";
    emulator.MessageMode = account.Value.MessageMode;
    emulator.OriginalId = string.IsNullOrEmpty(account.Value.OriginalId) ? emulator.OriginalId : account.Value.OriginalId;
    emulator.CallbackUrl = new Uri(server.Value.CallbackUrl);
    emulator.PublicBaseUrl = string.IsNullOrEmpty(server.Value.PublicBaseUrl) ? null : new Uri(server.Value.PublicBaseUrl);
    emulator.PathBase = EmulatorPaths.Prefix;
});
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapGet("/", () => Results.Redirect(EmulatorPaths.Prefix + "/phone"));
app.MapHealthChecks("/healthz");
app.MapWechatEmulator(EmulatorPaths.Prefix);
app.Run();
