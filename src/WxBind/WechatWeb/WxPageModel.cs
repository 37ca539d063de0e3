using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using WxBind.Accounts;
using WxBind.Binding;
using WxBind.Localization;
using WxBind.Storage;

namespace WxBind.WechatWeb;

/// <summary>
/// What the in-WeChat pages share: the WeChat identity cookie, the clear refusal page, and the
/// last step (bind, sign in, say so).
/// </summary>
public abstract class WxPageModel : PageModel
{
    protected WxPageModel(IStringLocalizer<SharedResource> text) => Text = text;

    protected IStringLocalizer<SharedResource> Text { get; }

    /// <summary>Set when the page shows a refusal instead of its form.</summary>
    public WxRefusal? Refusal { get; private set; }

    /// <summary>Set when the page shows the success of a binding.</summary>
    public WxDone? Done { get; private set; }

    // Page models are public and activated through public constructors; the feature services
    // stay internal, so they are taken from the request's services.
    private protected T Service<T>() where T : notnull => HttpContext.RequestServices.GetRequiredService<T>();

    private protected WechatIdentity Identity => Service<WechatIdentity>();

    private protected WechatWebService WechatWeb => Service<WechatWebService>();

    /// <summary>Shows <paramref name="reason"/> (a <c>Wx…</c> resource key) with an HTTP error status.</summary>
    private protected IActionResult Refuse(int status, string reason, string titleKey = "WxRefusedTitle")
    {
        Refusal = new WxRefusal(status, reason, Text[titleKey], Text[ReasonKey(reason)]);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The identity this browser holds, or null after showing why there is none.</summary>
    private protected WechatIdentity.Payload? RequireIdentity(out IActionResult? refusal)
    {
        var identity = Identity.Find(HttpContext);
        refusal = identity is null ? Refuse(StatusCodes.Status400BadRequest, "identity-missing") : null;
        return identity;
    }

    /// <summary>
    /// An openid that is bound already needs no form: its account is signed in and goes on to the
    /// return path. Null when the openid is not bound.
    /// </summary>
    private protected async Task<IActionResult?> SignInIfBoundAsync(WechatIdentity.Payload identity)
    {
        var user = await WechatWeb.FindBoundUserAsync(identity.Value, HttpContext.RequestAborted);
        if (user is null)
        {
            return null;
        }
        await Service<AccountService>().SignInAsync(user);
        WechatIdentity.Clear(HttpContext);
        return LocalRedirect(ReturnUrls.Safe(identity.ReturnPath));
    }

    /// <summary>The last step of both forms: bind <paramref name="user"/> to the identity's openid.</summary>
    private protected async Task<IActionResult> BindAsync(User user, WechatIdentity.Payload identity)
    {
        var outcome = await WechatWeb.BindAndSignInAsync(user, identity.Value, HttpContext.RequestAborted);
        switch (outcome.Result)
        {
            case BindResult.Bound or BindResult.AlreadyBound:
                WechatIdentity.Clear(HttpContext);
                Done = new WxDone(
                    Text["AccountNameWithEmail", Masking.DisplayName(user.DisplayName), Masking.Email(user.Email)],
                    ReturnUrls.Safe(identity.ReturnPath),
                    outcome.Result == BindResult.AlreadyBound);
                return Page();
            case BindResult.AccountTaken:
                return Refuse(StatusCodes.Status409Conflict, "account-taken", "WxConflictTitle");
            default:
                return Refuse(StatusCodes.Status409Conflict, "openid-taken", "WxConflictTitle");
        }
    }

    // "link-expired" → "WxLinkExpired"
    private static string ReasonKey(string reason) =>
        "Wx" + string.Concat(reason.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
