using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// The one place where a signed link becomes a WeChat identity (DESIGN §1 F3.3). A link only
/// claims an openid — it can be forwarded — so on arrival it is checked without being spent, and
/// the holder then proves who they are with a silent <c>snsapi_base</c> round trip. Only when
/// WeChat names the same openid is the nonce spent and the identity given; anyone else (another
/// WeChat user, a plain browser) leaves the link untouched for its owner. Every page a link leads
/// to (<c>/wx/login</c>, <c>/wx/register</c>, and the pages named in its <c>return</c> path)
/// starts from the identity this gives, so each of them inherits the proof.
/// </summary>
internal sealed partial class LinkProof(
    SignedLinks links,
    WechatIdentity identity,
    WechatApiClient wechat,
    IOptions<WxBindOptions> site,
    ILogger<LinkProof> logger)
{
    public const string CallbackPath = "/wx/oauth/callback";

    // WeChat allows [a-zA-Z0-9] and at most 128 bytes; 32 such characters carry ~190 bits.
    private const string StateAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int StateLength = 32;

    /// <summary>WeChat's own browser says so in its User-Agent; OAuth works nowhere else.</summary>
    public static bool IsWechatBrowser(HttpRequest request) =>
        request.Headers.UserAgent.ToString().Contains("MicroMessenger", StringComparison.OrdinalIgnoreCase);

    /// <summary>A link has arrived: refuse it, ask for WeChat, or send the browser to prove its openid.</summary>
    public async Task<LinkArrival> ArriveAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var check = await links.CheckAsync(http.Request.Query, cancellationToken);
        if (check.Status != LinkStatus.Valid)
        {
            return new LinkArrival(check.Status, null, null);
        }
        if (!IsWechatBrowser(http.Request))
        {
            // Shown as a QR code to scan with WeChat: the same link, still unspent.
            var link = site.Value.PublicBaseUrl.TrimEnd('/') + http.Request.Path + http.Request.QueryString;
            return new LinkArrival(LinkStatus.Valid, link, null);
        }
        var claim = new WechatIdentity.LinkClaim(check.OpenId!, check.Nonce!, check.SpendBy.ToUnixTimeMilliseconds());
        return new LinkArrival(LinkStatus.Valid, null, BeginOAuth(http, check.ReturnPath, claim));
    }

    /// <summary>
    /// Starts a <c>snsapi_base</c> round trip for this browser: the state, bound to it by a cookie,
    /// carries the return path and the link's claim; the answer is WeChat's authorize URL.
    /// </summary>
    public string BeginOAuth(HttpContext http, string? returnPath, WechatIdentity.LinkClaim? claim = null)
    {
        var state = RandomNumberGenerator.GetString(StateAlphabet, StateLength);
        identity.SetOAuthState(http, state, returnPath, claim);
        return wechat.BuildOauth2AuthorizeUrl(site.Value.PublicBaseUrl.TrimEnd('/') + CallbackPath, state);
    }

    /// <summary>
    /// WeChat named <paramref name="openId"/> as the user holding this browser. A link's claim
    /// holds only for that same user; then its nonce is spent. Nothing is spent for anyone else.
    /// </summary>
    public async Task<LinkStatus> ProveAsync(WechatIdentity.LinkClaim claim, string openId, CancellationToken cancellationToken)
    {
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(claim.OpenId), Encoding.UTF8.GetBytes(openId)))
        {
            LogNotTheOwner(logger, Binding.Masking.OpenId(claim.OpenId), Binding.Masking.OpenId(openId));
            return LinkStatus.WrongUser;
        }
        var spent = await links.SpendAsync(
            new LinkCheck(LinkStatus.Valid, claim.OpenId, null, claim.Nonce, DateTimeOffset.FromUnixTimeMilliseconds(claim.SpendBy)), cancellationToken);
        return spent.Status;
    }

    [LoggerMessage(6005, LogLevel.Warning, "Refused a signed link for {OpenIdMasked} opened by another WeChat user {OtherMasked}")]
    private static partial void LogNotTheOwner(ILogger logger, string openIdMasked, string otherMasked);
}

/// <summary>
/// Where an arriving link goes: a refusal (<see cref="Status"/> not valid), the open-in-WeChat
/// page (<see cref="OpenInWechat"/>, the link itself), or WeChat's authorize page (<see cref="AuthorizeUrl"/>).
/// </summary>
internal sealed record LinkArrival(LinkStatus Status, string? OpenInWechat, string? AuthorizeUrl);
