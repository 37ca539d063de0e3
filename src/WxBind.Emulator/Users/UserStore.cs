using System.Net;

namespace WxBind.Emulator.Users;

/// <summary>
/// Simulated users, their follow state, customer-service window and chat history; every change is
/// saved to the state file when one is configured, and read back on start.
/// </summary>
internal sealed class UserStore
{
    /// <summary>
    /// How many of a user's latest chat entries (both ways) are kept, in memory and in the state
    /// file; older ones drop off, as a phone's chat scrolls them away. A long-running instance
    /// then grows with its users only, not with every message sent to them.
    /// </summary>
    public const int ChatLimit = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimUser> _users = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly UserStateFile _file;
    private long _seq;

    public UserStore(TimeProvider time, UserStateFile file)
    {
        _time = time;
        _file = file;
        if (file.Load() is { } state)
        {
            foreach (var user in state.Users)
            {
                _users[user.OpenId] = SimUser.FromState(user);
            }

            _seq = state.Seq;
        }
    }

    public SimUserView Create(string? nickname)
    {
        lock (_gate)
        {
            var user = new SimUser(EmulatorIds.NewOpenId(), string.IsNullOrWhiteSpace(nickname) ? $"模拟用户{_users.Count + 1}" : nickname.Trim(),
                _time.GetUtcNow(), EmulatorIds.NewDeviceId());
            _users[user.OpenId] = user;
            Save();
            return user.View();
        }
    }

    public SimUserView? FindByDevice(string deviceId)
    {
        lock (_gate)
        {
            return _users.Values.FirstOrDefault(u => string.Equals(u.DeviceId, deviceId, StringComparison.OrdinalIgnoreCase))?.View();
        }
    }

    public Uri? BrowserLocationOf(string openId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(openId, out var user) ? user.BrowserLocation : null;
        }
    }

    public void SetBrowserLocation(string openId, Uri location)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(openId, out var user))
            {
                user.BrowserLocation = location;
            }
        }
    }

    public IReadOnlyList<SimUserView> List()
    {
        lock (_gate)
        {
            return [.. _users.Values.OrderBy(u => u.CreatedAt).Select(u => u.View())];
        }
    }

    public SimUserView? Find(string? openId)
    {
        if (openId is null)
        {
            return null;
        }

        lock (_gate)
        {
            return _users.TryGetValue(openId, out var user) ? user.View() : null;
        }
    }

    public CookieContainer? CookiesOf(string openId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(openId, out var user) ? user.Cookies : null;
        }
    }

    /// <summary>Marks the user as following; false when they already did.</summary>
    public bool Subscribe(string openId, string scene, long qrScene = 0, string qrSceneStr = "")
    {
        lock (_gate)
        {
            var user = _users[openId];
            if (user.Subscribed)
            {
                return false;
            }

            user.Subscribed = true;
            user.SubscribeTime = _time.GetUtcNow();
            user.SubscribeScene = scene;
            user.QrScene = qrScene;
            user.QrSceneStr = qrSceneStr;
            Save();
            return true;
        }
    }

    public bool Unsubscribe(string openId)
    {
        lock (_gate)
        {
            var user = _users[openId];
            if (!user.Subscribed)
            {
                return false;
            }

            user.Subscribed = false;
            user.SubscribeScene = "";
            user.QrScene = 0;
            user.QrSceneStr = "";
            user.WindowExpiresAt = null;
            user.WindowQuota = 0;
            Save();
            return true;
        }
    }

    /// <summary>
    /// Opens the customer-service window for an interaction (wechat-protocol.md §6.1). A shorter
    /// grant never shortens a longer open window; it can only top up the remaining quota.
    /// </summary>
    public void OpenWindow(string openId, TimeSpan duration, int? quota)
    {
        lock (_gate)
        {
            var user = _users[openId];
            var now = _time.GetUtcNow();
            var expires = now + duration;
            var open = user.WindowExpiresAt is { } current && current > now;
            if (!open || expires >= user.WindowExpiresAt)
            {
                user.WindowExpiresAt = expires;
                user.WindowQuota = quota;
            }
            else if (user.WindowQuota is { } left)
            {
                user.WindowQuota = quota is null ? null : Math.Max(left, quota.Value);
            }

            Save();
        }
    }

    /// <summary>0 and one message used, or 45015 (window closed / not following), or 45047 (quota used up).</summary>
    public int TryUseWindow(string openId)
    {
        lock (_gate)
        {
            var user = _users[openId];
            if (!user.Subscribed || user.WindowExpiresAt is not { } expires || expires <= _time.GetUtcNow())
            {
                return 45015;
            }

            if (user.WindowQuota is { } left)
            {
                if (left <= 0)
                {
                    return 45047;
                }

                user.WindowQuota = left - 1;
                Save();
            }

            return 0;
        }
    }

    public InboxItem Append(string openId, string direction, string kind, string msgType, string? content,
        IReadOnlyList<InboxArticle>? articles = null, string? url = null, string? templateId = null,
        IReadOnlyDictionary<string, string>? data = null)
    {
        lock (_gate)
        {
            var item = new InboxItem(++_seq, direction, kind, _time.GetUtcNow(), msgType, content, articles, url, templateId, data);
            var inbox = _users[openId].Inbox;
            inbox.Add(item);
            if (inbox.Count > ChatLimit)
            {
                inbox.RemoveRange(0, inbox.Count - ChatLimit);
            }

            Save();
            return item;
        }
    }

    public IReadOnlyList<InboxItem> History(string openId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(openId, out var user) ? [.. user.Inbox] : [];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _users.Clear();
            Save();
        }
    }

    // Called under the lock, so the file always holds one consistent state and saves never interleave.
    private void Save()
    {
        if (_file.Enabled)
        {
            _file.Save(new UserState(_seq, [.. _users.Values.OrderBy(u => u.CreatedAt).Select(u => u.State())]));
        }
    }
}
