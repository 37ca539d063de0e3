using System.Text.Json.Serialization;

namespace WxBind.Emulator.Sim;

internal sealed record SimNewUserRequest(string? Nickname);

internal sealed record SimUserRequest(string? OpenId);

internal sealed record SimScanRequest(string? OpenId, string? Ticket, string? Url);

internal sealed record SimTextRequest(string? OpenId, string? Content);

internal sealed record SimClickRequest(string? OpenId, string? Key);

internal sealed record SimViewRequest(string? OpenId, string? Url);

internal sealed record SimOpenRequest(string? OpenId, string? Url, string? Method, Dictionary<string, string>? Form);

internal sealed record SimFaultsRequest(int? SlowCallbackMs, int? FailCallbackCount, bool? ForceInvalidToken, bool? DropReplies,
    int? TokenFailCount = null, int? SlowTokenMs = null, int? InvalidTokenCount = null, int? QrcodeCreateFailCount = null);

internal sealed record SimTemplateRequest([property: JsonPropertyName("template_id")] string? TemplateId);
