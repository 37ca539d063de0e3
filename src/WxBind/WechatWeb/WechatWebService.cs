using Microsoft.AspNetCore.Identity;
using WxBind.Accounts;
using WxBind.Binding;
using WxBind.Storage;
using WxBind.Wechat;

namespace WxBind.WechatWeb;

/// <summary>
/// The in-WeChat login (DESIGN §1 F3.4): an openid that is already bound just signs its account
/// in; otherwise the account the user logs into or registers is bound to it, under the binding
/// rules, and the user is told in WeChat.
/// </summary>
internal sealed partial class WechatWebService(
    BindingService binding,
    AccountService accounts,
    UserManager<User> users,
    WechatApiClient wechat,
    ILogger<WechatWebService> logger)
{
    public const string Via = "wechat-link";

    /// <summary>The account bound to <paramref name="openId"/>, or null.</summary>
    public async Task<User?> FindBoundUserAsync(string openId, CancellationToken cancellationToken) =>
        await binding.FindByOpenIdAsync(openId, cancellationToken) is { } bound ? await users.FindByIdAsync(bound.UserId) : null;

    /// <summary>
    /// Binds and, unless it was a conflict, signs the user in for this (WeChat) browser. The binding
    /// is committed before the user is told; the message itself is best effort.
    /// </summary>
    public async Task<BindOutcome> BindAndSignInAsync(User user, string openId, CancellationToken cancellationToken)
    {
        var outcome = await binding.BindOpenIdAsync(user.Id, openId, Via, cancellationToken);
        if (outcome.Result is not (BindResult.Bound or BindResult.AlreadyBound))
        {
            return outcome;
        }
        await accounts.SignInAsync(user);
        if (outcome.Result == BindResult.Bound)
        {
            try
            {
                await wechat.SendCustomTextAsync(openId, BindingMessages.For(outcome), cancellationToken);
            }
            catch (Exception e) when (e is WechatApiException or HttpRequestException or TaskCanceledException)
            {
                // Outside WeChat's 48-hour window (45015) the message is refused; the page says it all.
                LogNotifyFailed(logger, e);
            }
        }
        return outcome;
    }

    [LoggerMessage(6010, LogLevel.Information, "Could not tell the WeChat user about the in-WeChat binding")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception);
}
