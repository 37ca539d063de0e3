using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Localization;
using WxBind.QrSessions;

namespace WxBind.WechatWeb;

/// <summary>
/// <c>/wx/login</c>: the page a signed link opens inside WeChat. Once WeChat has confirmed that
/// the holder is the link's openid (<see cref="LinkProof"/>), the browser holds that WeChat
/// identity; then a bound openid is signed in at once, an unbound one logs in here (or registers
/// on <c>/wx/register</c>) and is bound.
/// </summary>
[EnableRateLimiting(AccountsExtensions.LoginRateLimit)]
public sealed class WxLoginModel(IStringLocalizer<SharedResource> text) : WxPageModel(text)
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    /// <summary>Set when a valid link was opened outside WeChat: the page shows it as a QR code to scan.</summary>
    public WxOpenInWechat? OpenInWechat { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Request.Query.ContainsKey("sig"))
        {
            var arrival = await Service<LinkProof>().ArriveAsync(HttpContext, HttpContext.RequestAborted);
            if (arrival.Status != LinkStatus.Valid)
            {
                return arrival.Status switch
                {
                    LinkStatus.Expired => Refuse(StatusCodes.Status403Forbidden, "link-expired"),
                    LinkStatus.Reused => Refuse(StatusCodes.Status403Forbidden, "link-reused"),
                    LinkStatus.BadReturn => Refuse(StatusCodes.Status400BadRequest, "link-bad-return"),
                    _ => Refuse(StatusCodes.Status403Forbidden, "link-invalid"),
                };
            }
            if (arrival.OpenInWechat is { } link)
            {
                OpenInWechat = new WxOpenInWechat(link, "data:image/png;base64," + Convert.ToBase64String(QrCodeImage.Png(link)));
                return Page();
            }
            // Off the address bar (and out of history and Referer) with the signature: WeChat's
            // authorize page proves who holds this browser, and its callback continues here.
            return Redirect(arrival.AuthorizeUrl!);
        }

        var identity = RequireIdentity(out var refusal);
        if (identity is null)
        {
            return refusal!;
        }
        return await SignInIfBoundAsync(identity) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var identity = RequireIdentity(out var refusal);
        if (identity is null)
        {
            return refusal!;
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var (user, error) = await Service<AccountService>().CheckPasswordAsync(Input);
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, error!);
            return Page();
        }
        return await BindAsync(user, identity);
    }
}
