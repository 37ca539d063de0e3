using System.Text;

namespace WxBind.Reliability.Load;

/// <summary>A visitor registers on the website.</summary>
public sealed class RegisterAction : ILoadAction
{
    public string Name => "register";

    public async Task<IReadOnlyList<IAcknowledgedWrite>> RunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        using var browser = context.NewBrowser();
        var email = context.UniqueName("reg") + "@example.com";
        return await browser.RegisterAsync(email, "secret-pass-1", "Reg", cancellationToken) ? [new AcknowledgedRegistration(email)] : [];
    }
}

/// <summary>F1: a new account binds WeChat by scanning its bind code (subscribe with a scene).</summary>
public sealed class ScanBindAction : ILoadAction
{
    public string Name => "scan-bind";

    public async Task<IReadOnlyList<IAcknowledgedWrite>> RunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        using var browser = context.NewBrowser();
        var email = context.UniqueName("bind") + "@example.com";
        if (!await browser.RegisterAsync(email, "secret-pass-1", "Binder", cancellationToken))
        {
            return [];
        }
        var (_, qrUrl) = await browser.CreateQrSessionAsync("bind", cancellationToken);
        var openId = await browser.NewWechatUserAsync(cancellationToken);
        var reply = Infrastructure.SiteClient.ReplyText(await browser.ScanAsync(openId, qrUrl, cancellationToken));
        return reply?.Contains("绑定成功", StringComparison.Ordinal) == true
            ? [new AcknowledgedRegistration(email), new AcknowledgedBinding(email, openId)]
            : [new AcknowledgedRegistration(email)];
    }
}

/// <summary>F2: a bound follower scans a login code and is sent the 确认登录 link.</summary>
public sealed class QrLoginAction : ILoadAction
{
    public string Name => "qr-login";

    public async Task<IReadOnlyList<IAcknowledgedWrite>> RunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var acknowledged = new List<IAcknowledgedWrite>();
        string openId;
        using (var phoneOwner = context.NewBrowser())
        {
            var email = context.UniqueName("login") + "@example.com";
            if (!await phoneOwner.RegisterAsync(email, "secret-pass-1", "Login", cancellationToken))
            {
                return acknowledged;
            }
            acknowledged.Add(new AcknowledgedRegistration(email));
            var (_, bindUrl) = await phoneOwner.CreateQrSessionAsync("bind", cancellationToken);
            openId = await phoneOwner.NewWechatUserAsync(cancellationToken);
            if (Infrastructure.SiteClient.ReplyText(await phoneOwner.ScanAsync(openId, bindUrl, cancellationToken))?.Contains("绑定成功", StringComparison.Ordinal) != true)
            {
                return acknowledged;
            }
            acknowledged.Add(new AcknowledgedBinding(email, openId));
        }

        // A different (logged-out) browser shows the login code.
        using var desktop = context.NewBrowser();
        var (sessionId, loginUrl) = await desktop.CreateQrSessionAsync("login", cancellationToken);
        if (Infrastructure.SiteClient.ReplyText(await desktop.ScanAsync(openId, loginUrl, cancellationToken)) == "确认登录网站")
        {
            acknowledged.Add(new AcknowledgedLoginScan(sessionId));
        }
        return acknowledged;
    }
}

/// <summary>A follower sends a text: WeChat's signed, encrypted push straight at the callback.</summary>
public sealed class TextPushAction : ILoadAction
{
    public string Name => "text-push";

    public async Task<IReadOnlyList<IAcknowledgedWrite>> RunAsync(LoadContext context, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var xml = Infrastructure.WechatSigner.TextXml("o" + context.UniqueName("text").Replace("-", "", StringComparison.Ordinal), "你好", context.NextMsgId(), now);
        var (query, body) = context.Signer.SafePush(xml, now);
        using var response = await context.Raw.PostAsync($"/wechat/callback?{query}", new StringContent(body, Encoding.UTF8, "text/xml"), cancellationToken);
        response.EnsureSuccessStatusCode();
        return [];
    }
}
