namespace WxBind.Wechat;

/// <summary>A WeChat API answered with a non-zero <c>errcode</c> (see <see cref="WechatErrorCodes"/>).</summary>
internal sealed class WechatApiException(string api, int errCode, string? errMsg)
    : Exception($"WeChat {api} failed: errcode {errCode}, {errMsg}")
{
    /// <summary>The API path, e.g. <c>cgi-bin/qrcode/create</c>.</summary>
    public string Api { get; } = api;

    public int ErrCode { get; } = errCode;

    /// <summary>WeChat's text, with a varying <c>rid:</c> suffix: match on <see cref="ErrCode"/>, never on this.</summary>
    public string? ErrMsg { get; } = errMsg;
}
