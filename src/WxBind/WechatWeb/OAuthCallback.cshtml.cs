using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using WxBind.Localization;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>/wx/oauth/callback?code=&amp;state=</c>: the state must be the one this browser was given,
/// the code is exchanged once for the openid, and the browser then holds that WeChat identity —
/// when a signed link started the round trip, only if WeChat named the openid of the link.
/// </summary>
public sealed partial class WxOAuthCallbackModel(IStringLocalizer<SharedResource> text, ILogger<WxOAuthCallbackModel> logger) : WxPageModel(text)
{
    private const int MaxStateBytes = 128;

    public async Task<IActionResult> OnGetAsync(string? code, string? state)
    {
        // Taken (and deleted) whatever happens next: a state answers one callback only.
        var saved = Identity.TakeOAuthState(HttpContext);
        if (saved is null || string.IsNullOrEmpty(state) || state.Length > MaxStateBytes)
        {
            LogStateRefused(logger, saved is null ? "no state cookie" : "no state");
            return Refuse(StatusCodes.Status400BadRequest, "oauth-state-missing");
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(saved.Value), Encoding.UTF8.GetBytes(state)))
        {
            LogStateRefused(logger, "state mismatch");
            return Refuse(StatusCodes.Status403Forbidden, "oauth-state-mismatch");
        }
        if (string.IsNullOrEmpty(code))
        {
            // The user declined, or WeChat sent the browser back without a code.
            return Refuse(StatusCodes.Status400BadRequest, "oauth-denied");
        }

        SnsOauth2AccessTokenResponse grant;
        try
        {
            grant = await Service<WechatApiClient>().GetOauth2AccessTokenAsync(code, HttpContext.RequestAborted);
        }
        catch (WechatApiException e)
        {
            LogExchangeFailed(logger, e.ErrCode);
            return e.ErrCode switch
            {
                WechatErrorCodes.CodeBeenUsed => Refuse(StatusCodes.Status400BadRequest, "oauth-code-used"),
                WechatErrorCodes.InvalidCode or WechatErrorCodes.CodeExpired => Refuse(StatusCodes.Status400BadRequest, "oauth-code-invalid"),
                _ => Refuse(StatusCodes.Status502BadGateway, "oauth-failed"),
            };
        }
        catch (HttpRequestException)
        {
            LogExchangeFailed(logger, 0);
            return Refuse(StatusCodes.Status502BadGateway, "oauth-failed");
        }

        // A "snapshot page" user is a placeholder, not a person who could own an account.
        if (grant.IsSnapshotUser == 1 || !SignedLinks.IsOpenId(grant.OpenId))
        {
            return Refuse(StatusCodes.Status403Forbidden, "oauth-snapshot-user");
        }
        // A signed link started this round trip: it counts only for the user it was sent to.
        if (saved.Link is { } claim)
        {
            switch (await Service<LinkProof>().ProveAsync(claim, grant.OpenId, HttpContext.RequestAborted))
            {
                case LinkStatus.WrongUser:
                    return Refuse(StatusCodes.Status403Forbidden, "link-not-yours", "WxLinkNotYoursTitle");
                case LinkStatus.Reused:
                    return Refuse(StatusCodes.Status403Forbidden, "link-reused");
            }
        }
        Identity.Set(HttpContext, grant.OpenId, saved.ReturnPath);
        return LocalRedirect(SignedLinks.Path);
    }

    [LoggerMessage(6002, LogLevel.Warning, "Refused a WeChat OAuth callback: {Why}")]
    private static partial void LogStateRefused(ILogger logger, string why);

    [LoggerMessage(6003, LogLevel.Warning, "Exchanging a WeChat OAuth code failed with errcode {ErrCode}")]
    private static partial void LogExchangeFailed(ILogger logger, int errCode);
}
