using System.Net;

namespace WxBind.Emulator.Users;

/// <summary>A simulated WeChat user; mutable state is only touched under <see cref="UserStore"/>'s lock.</summary>
internal sealed class SimUser(string openId, string nickname, DateTimeOffset createdAt, string deviceId)
{
    public string OpenId { get; } = openId;

    /// <summary>Names the phone's browser site, <c>{DeviceId}.phone.localhost</c>; lower case, as host names are.</summary>
    public string DeviceId { get; } = deviceId;

    public string Nickname { get; } = nickname;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public bool Subscribed { get; set; }

    public DateTimeOffset? SubscribeTime { get; set; }

    public string SubscribeScene { get; set; } = "";

    public long QrScene { get; set; }

    public string QrSceneStr { get; set; } = "";

    public DateTimeOffset? WindowExpiresAt { get; set; }

    /// <summary>Remaining customer-service messages; null means unlimited.</summary>
    public int? WindowQuota { get; set; }

    public List<InboxItem> Inbox { get; } = [];

    /// <summary>The in-WeChat browser's cookie jar, one per user as on a real phone (kept in memory only).</summary>
    public CookieContainer Cookies { get; } = new();

    /// <summary>The app page the phone's browser last navigated to, for its address bar.</summary>
    public Uri? BrowserLocation { get; set; }

    public SimUserState State() => new(OpenId, Nickname, CreatedAt, DeviceId, Subscribed, SubscribeTime, SubscribeScene, QrScene, QrSceneStr,
        WindowExpiresAt, WindowQuota, [.. Inbox]);

    public static SimUser FromState(SimUserState state)
    {
        var user = new SimUser(state.OpenId, state.Nickname, state.CreatedAt, state.DeviceId)
        {
            Subscribed = state.Subscribed,
            SubscribeTime = state.SubscribeTime,
            SubscribeScene = state.SubscribeScene,
            QrScene = state.QrScene,
            QrSceneStr = state.QrSceneStr,
            WindowExpiresAt = state.WindowExpiresAt,
            WindowQuota = state.WindowQuota,
        };
        // A file written before the chat was bounded may hold more.
        user.Inbox.AddRange(state.Inbox.Skip(Math.Max(0, state.Inbox.Count - UserStore.ChatLimit)));
        return user;
    }

    public SimUserView View() => new(OpenId, Nickname, Subscribed, SubscribeTime, SubscribeScene, QrScene, QrSceneStr, CreatedAt, DeviceId);
}

/// <summary>A consistent copy of a user's state for readers outside the lock.</summary>
internal sealed record SimUserView(
    string OpenId,
    string Nickname,
    bool Subscribed,
    DateTimeOffset? SubscribeTime,
    string SubscribeScene,
    long QrScene,
    string QrSceneStr,
    DateTimeOffset CreatedAt,
    string DeviceId);
