namespace WxBind.Emulator;

/// <summary>
/// The one emulated Official Account and how the emulator talks to the app.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>Configuration section bound onto these options, whatever host mounts the emulator.</summary>
    public const string Section = "Emulator";

    /// <summary>Name of the <see cref="IHttpClientFactory"/> client that carries pushes to <see cref="CallbackUrl"/>.</summary>
    public const string PushHttpClientName = "WxBind.Emulator.Push";

    /// <summary>Name of the client used by the simulated in-WeChat browser (<c>/_sim/open</c>); redirects are followed by the emulator itself.</summary>
    public const string BrowserHttpClientName = "WxBind.Emulator.Browser";

    /// <summary>The account's appid (<c>wx...</c>).</summary>
    public string AppId { get; set; } = "";

    /// <summary>The account's AppSecret.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The server-config Token used for <c>signature</c> and <c>msg_signature</c>.</summary>
    public string Token { get; set; } = "";

    /// <summary>43-character EncodingAESKey; required for Compatible and Safe modes.</summary>
    public string EncodingAesKey { get; set; } = "";

    /// <summary>Push encoding (wechat-protocol.md §3.1).</summary>
    public EmulatorMessageMode MessageMode { get; set; } = EmulatorMessageMode.Plain;

    /// <summary>The account's original id, sent as <c>ToUserName</c> of every push.</summary>
    public string OriginalId { get; set; } = "gh_wxbind000001";

    /// <summary>The app's absolute callback URL (its <c>/wechat/callback</c>).</summary>
    public Uri? CallbackUrl { get; set; }

    /// <summary>Where the emulator is mounted; used to build the URLs it hands out.</summary>
    public string PathBase { get; set; } = "/emulator";

    /// <summary>Scheme and host of the emulator as seen by browsers, e.g. <c>http://localhost:5080</c>; when unset the current request's host is used.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// The app's origin, the only site the in-WeChat browser opens besides the emulator's own pages;
    /// when unset, the origin of <see cref="CallbackUrl"/>.
    /// </summary>
    public Uri? AppBaseUrl { get; set; }

    /// <summary>
    /// Where simulated users, their follow state and chat are kept across restarts (<c>Emulator:StateFile</c>,
    /// relative to the content root); unset keeps them in memory only.
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>
    /// Host name suffix of the phone's in-WeChat browser: each simulated user browses the app at
    /// <c>http://{device}.{PhoneBrowserDomain}:{port}</c>, a site of its own, so the desktop's cookies
    /// are never involved. <c>*.localhost</c> resolves to this machine in browsers.
    /// </summary>
    public string PhoneBrowserDomain { get; set; } = "phone.localhost";

    /// <summary>How long one push attempt may take before WeChat gives up on it (5 s at WeChat).</summary>
    public TimeSpan PushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries in total for one message, the first included (wechat-protocol.md §2.6).</summary>
    public int PushAttempts { get; set; } = 3;

    /// <summary>Whether a retry gets a fresh timestamp, nonce and signature (UNCONFIRMED at WeChat, §11.5).</summary>
    public bool RegenerateSignatureOnRetry { get; set; } = true;

    /// <summary><c>expire_seconds</c> of a temporary QR code when the request leaves it out.</summary>
    public int DefaultQrExpireSeconds { get; set; } = 60;
}
