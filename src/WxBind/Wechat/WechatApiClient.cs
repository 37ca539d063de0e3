using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace WxBind.Wechat;

/// <summary>
/// The WeChat JSON APIs this app calls (DESIGN §6), one method per API. Calls that need the
/// access_token take it from <see cref="AccessTokenCache"/> and, on 40001/40014/42001, refresh it
/// and retry once. Non-zero errcodes become <see cref="WechatApiException"/>.
/// </summary>
internal sealed partial class WechatApiClient(
    IHttpClientFactory httpClientFactory, IOptions<WechatOptions> options, AccessTokenCache tokens, WechatDeliveryLog deliveries, ILogger<WechatApiClient> logger)
{
    /// <summary>The named HttpClient every WeChat call goes through (tests route it in process).</summary>
    public const string HttpClientName = "Wechat";

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Send Chinese text as UTF-8, not \u escapes: the JSON never ends up inside HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private WechatOptions Options => options.Value;

    /// <summary><c>GET cgi-bin/token</c>: a new token (invalidating the previous one after 5 minutes).</summary>
    public Task<TokenResponse> GetTokenAsync(CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Get, "cgi-bin/token",
            $"grant_type=client_credential&appid={Escape(Options.AppId)}&secret={Escape(Options.AppSecret)}", null, cancellationToken);

    /// <summary><c>POST cgi-bin/stable_token</c>: the current stable token; <paramref name="forceRefresh"/> rotates it.</summary>
    public Task<StableTokenResponse> GetStableTokenAsync(bool forceRefresh = false, CancellationToken cancellationToken = default) =>
        SendAsync<StableTokenResponse>(HttpMethod.Post, "cgi-bin/stable_token", null,
            new StableTokenRequest { AppId = Options.AppId, Secret = Options.AppSecret, ForceRefresh = forceRefresh }, cancellationToken);

    /// <summary><c>POST cgi-bin/qrcode/create</c>.</summary>
    public Task<QrcodeCreateResponse> CreateQrcodeAsync(QrcodeCreateRequest request, CancellationToken cancellationToken = default) =>
        WithTokenAsync<QrcodeCreateResponse>(HttpMethod.Post, "cgi-bin/qrcode/create", "", request, cancellationToken);

    /// <summary><c>POST cgi-bin/message/custom/send</c> (text or news); recorded in <see cref="WechatDeliveryLog"/>.</summary>
    public Task SendCustomMessageAsync(MessageCustomSendRequest request, CancellationToken cancellationToken = default) =>
        RecordedAsync(new WechatDelivery(WechatDeliveryKind.Custom, request.ToUser, request.Purpose ?? request.MsgType, null, 0, null, WechatDeliveryKind.Sent),
            () => WithTokenAsync<WechatApiResponse>(HttpMethod.Post, "cgi-bin/message/custom/send", "", request, cancellationToken));

    public Task SendCustomTextAsync(string openId, string content, CancellationToken cancellationToken = default) =>
        SendCustomMessageAsync(MessageCustomSendRequest.ForText(openId, content), cancellationToken);

    public Task SendCustomNewsAsync(string openId, WechatArticle article, CancellationToken cancellationToken = default) =>
        SendCustomMessageAsync(MessageCustomSendRequest.ForNews(openId, article), cancellationToken);

    /// <summary><c>POST cgi-bin/message/template/send</c>; the response carries the <c>msgid</c>. Recorded in <see cref="WechatDeliveryLog"/>.</summary>
    public Task<MessageTemplateSendResponse> SendTemplateMessageAsync(MessageTemplateSendRequest request, CancellationToken cancellationToken = default) =>
        RecordedAsync(new WechatDelivery(WechatDeliveryKind.Template, request.ToUser, request.Purpose, request.TemplateId, 0, null, WechatDeliveryKind.Sent),
            () => WithTokenAsync<MessageTemplateSendResponse>(HttpMethod.Post, "cgi-bin/message/template/send", "", request, cancellationToken));

    /// <summary><c>GET cgi-bin/user/info</c>.</summary>
    public Task<UserInfoResponse> GetUserInfoAsync(string openId, CancellationToken cancellationToken = default) =>
        WithTokenAsync<UserInfoResponse>(HttpMethod.Get, "cgi-bin/user/info", $"&openid={Escape(openId)}&lang=zh_CN", null, cancellationToken);

    /// <summary><c>POST cgi-bin/menu/create</c>: replaces the whole menu.</summary>
    public Task CreateMenuAsync(MenuCreateRequest request, CancellationToken cancellationToken = default) =>
        WithTokenAsync<WechatApiResponse>(HttpMethod.Post, "cgi-bin/menu/create", "", request, cancellationToken);

    /// <summary>
    /// <c>GET sns/oauth2/access_token</c>: exchanges an OAuth code for the user's openid. A code is
    /// consumed by its first attempt, so this is never retried.
    /// </summary>
    public Task<SnsOauth2AccessTokenResponse> GetOauth2AccessTokenAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync<SnsOauth2AccessTokenResponse>(HttpMethod.Get, "sns/oauth2/access_token",
            $"appid={Escape(Options.AppId)}&secret={Escape(Options.AppSecret)}&code={Escape(code)}&grant_type=authorization_code", null, cancellationToken);

    /// <summary>The <c>snsapi_base</c> authorize URL to open in the WeChat browser (§8.1); <paramref name="state"/> ≤ 128 bytes.</summary>
    public string BuildOauth2AuthorizeUrl(string redirectUri, string state) =>
        $"{Options.OpenBaseUrl.TrimEnd('/')}/connect/oauth2/authorize?appid={Escape(Options.AppId)}&redirect_uri={Escape(redirectUri)}" +
        $"&response_type=code&scope=snsapi_base&state={Escape(state)}#wechat_redirect";

    /// <summary>The QR image of a ticket (§5.2); the ticket contains <c>+/=</c> and must be escaped.</summary>
    public string BuildShowQrcodeUrl(string ticket) =>
        $"{Options.MpBaseUrl.TrimEnd('/')}/cgi-bin/showqrcode?ticket={Escape(ticket)}";

    /// <summary>Sends, then records the final answer (after any token retry): sent, refused with WeChat's errcode, or failed.</summary>
    private async Task<T> RecordedAsync<T>(WechatDelivery delivery, Func<Task<T>> send)
    {
        try
        {
            var result = await send();
            await deliveries.RecordAsync(delivery);
            return result;
        }
        catch (WechatApiException e)
        {
            await deliveries.RecordAsync(delivery with { ErrCode = e.ErrCode, ErrMsg = e.ErrMsg, Outcome = WechatDeliveryKind.Refused });
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            await deliveries.RecordAsync(delivery with { ErrCode = WechatErrorCodes.SystemBusy, ErrMsg = e.Message, Outcome = WechatDeliveryKind.Failed });
            throw;
        }
    }

    private async Task<T> WithTokenAsync<T>(HttpMethod method, string api, string query, object? body, CancellationToken cancellationToken)
        where T : WechatApiResponse
    {
        var token = await tokens.GetAsync(FetchAccessTokenAsync, cancellationToken);
        try
        {
            return await SendAsync<T>(method, api, $"access_token={Escape(token)}{query}", body, cancellationToken);
        }
        catch (WechatApiException e) when (WechatErrorCodes.IsAccessTokenError(e.ErrCode))
        {
            // Replaced by another fetcher, or expired early: refresh (only if still current) and retry once.
            await tokens.InvalidateAsync(token, e.ErrCode, cancellationToken);
            token = await tokens.GetAsync(FetchAccessTokenAsync, cancellationToken);
            return await SendAsync<T>(method, api, $"access_token={Escape(token)}{query}", body, cancellationToken);
        }
    }

    private async Task<(string AccessToken, int ExpiresIn)> FetchAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (Options.UseStableToken)
        {
            var stable = await GetStableTokenAsync(false, cancellationToken);
            return (stable.AccessToken, stable.ExpiresIn);
        }
        var token = await GetTokenAsync(cancellationToken);
        return (token.AccessToken, token.ExpiresIn);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string api, string? query, object? body, CancellationToken cancellationToken)
        where T : WechatApiResponse
    {
        var uri = $"{Options.ApiBaseUrl.TrimEnd('/')}/{api}{(query is null ? "" : "?" + query)}";
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        // WeChat answers 200 even for errors; any other status is a transport or gateway fault.
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new WechatApiException(api, WechatErrorCodes.SystemBusy, "empty response");
        if (result.ErrCode != WechatErrorCodes.Ok)
        {
            // errmsg may echo request details; the code and the API are enough to act on.
            LogApiError(logger, api, result.ErrCode);
            throw new WechatApiException(api, result.ErrCode, result.ErrMsg);
        }
        return result;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    [LoggerMessage(2101, LogLevel.Warning, "WeChat {Api} answered errcode {ErrCode}")]
    private static partial void LogApiError(ILogger logger, string api, int errCode);
}
