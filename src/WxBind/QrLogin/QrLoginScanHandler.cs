using WxBind.Binding;
using WxBind.Callback;
using WxBind.QrSessions;
using WxBind.Wechat;

namespace WxBind.QrLogin;

/// <summary>Scans of login QR codes (<c>l_…</c> scenes), by new followers or followers.</summary>
internal sealed class QrLoginScanHandler(QrLoginService login, BindingService binding) : IWechatMessageHandler
{
    public static bool Takes(WechatMessage message) => message.IsScanOf(QrSessionService.ScenePrefix(QrSessionPurpose.Login));

    public async ValueTask<WechatReply?> HandleAsync(WechatMessage message, CancellationToken cancellationToken)
    {
        var scene = message.SceneStr!;
        if (message.Event == "subscribe")
        {
            // A follow through the code is a follow, whatever becomes of the login.
            await binding.SetSubscribedAsync(message.OpenId, subscribed: true, cancellationToken);
        }
        return await login.HandleScanAsync(scene, message.OpenId, cancellationToken);
    }
}
