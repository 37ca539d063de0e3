using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WxBind.Tests.Wechat;

/// <summary>
/// A small stand-in for api.weixin.qq.com behind the "Wechat" HttpClient: issues numbered tokens,
/// rejects revoked ones with 40001, and can be told to fail the next call of an API.
/// </summary>
internal sealed class FakeWechatApi : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, bool> _validTokens = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, string> _nextFailure = new();
    private int _issued;

    public ConcurrentQueue<(HttpMethod Method, string Path, string Query, string? Body)> Requests { get; } = new();

    /// <summary>How long a token fetch takes, so concurrent callers overlap.</summary>
    public TimeSpan TokenDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    public int Calls(string path) => _calls.GetValueOrDefault(path);

    /// <summary>Issues a token as a fetch by someone else (another instance) would: the previous one is revoked.</summary>
    public string IssueToken()
    {
        var token = $"TOKEN_{Interlocked.Increment(ref _issued)}";
        foreach (var old in _validTokens.Keys)
        {
            _validTokens.TryRemove(old, out _);
        }
        _validTokens[token] = true;
        return token;
    }

    /// <summary>The next call of <paramref name="path"/> answers this JSON, whatever it asks.</summary>
    public void FailNext(string path, int errCode, string errMsg) =>
        _nextFailure[path] = JsonSerializer.Serialize(new { errcode = errCode, errmsg = errMsg });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue((request.Method, path, request.RequestUri.Query, body));
        _calls.AddOrUpdate(path, 1, (_, n) => n + 1);

        if (_nextFailure.TryRemove(path, out var failure))
        {
            return Json(failure);
        }
        switch (path)
        {
            case "cgi-bin/token" or "cgi-bin/stable_token":
                await Task.Delay(TokenDelay, cancellationToken);
                // cgi-bin/token and stable_token leave errcode out on success.
                return Json(JsonSerializer.Serialize(new { access_token = IssueToken(), expires_in = 7200 }));
            case "sns/oauth2/access_token":
                return Json("""{"access_token":"USER_TOKEN","expires_in":7200,"refresh_token":"R","openid":"oOauthUser","scope":"snsapi_base"}""");
        }

        if (query["access_token"] is not { } token || !_validTokens.ContainsKey(token))
        {
            return Json("""{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest rid: 6a1b-2c3d"}""");
        }
        return path switch
        {
            "cgi-bin/user/info" => Json(new JsonObject { ["subscribe"] = 1, ["openid"] = query["openid"], ["subscribe_scene"] = "ADD_SCENE_QR_CODE" }.ToJsonString()),
            "cgi-bin/qrcode/create" => Json("""{"ticket":"gQH47joAAAAAAAAAASxodHRw+/=","expire_seconds":300,"url":"http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"}"""),
            "cgi-bin/message/template/send" => Json("""{"errcode":0,"errmsg":"ok","msgid":200228332}"""),
            _ => Json("""{"errcode":0,"errmsg":"ok"}"""),
        };
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
