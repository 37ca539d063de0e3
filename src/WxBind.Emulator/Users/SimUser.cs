using System.Net;

namespace WxBind.Emulator.Users;

/// <summary>A simulated WeChat user; mutable state is only touched under <see cref="UserStore"/>'s lock.</summary>
internal sealed class SimUser(string openId, string nickname, DateTimeOffset createdAt)
{
    public string OpenId { get; } = openId;

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

    /// <summary>The in-WeChat browser's cookie jar, one per user as on a real phone.</summary>
    public CookieContainer Cookies { get; } = new();

    public SimUserView View() => new(OpenId, Nickname, Subscribed, SubscribeTime, SubscribeScene, QrScene, QrSceneStr, CreatedAt);
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
    DateTimeOffset CreatedAt);
