using System.Net;

namespace WxBind.Emulator.Users;

/// <summary>Simulated users, their follow state, customer-service window and chat history.</summary>
internal sealed class UserStore(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimUser> _users = new(StringComparer.Ordinal);
    private long _seq;

    public SimUserView Create(string? nickname)
    {
        lock (_gate)
        {
            var user = new SimUser(EmulatorIds.NewOpenId(), string.IsNullOrWhiteSpace(nickname) ? $"模拟用户{_users.Count + 1}" : nickname.Trim(), time.GetUtcNow());
            _users[user.OpenId] = user;
            return user.View();
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
            user.SubscribeTime = time.GetUtcNow();
            user.SubscribeScene = scene;
            user.QrScene = qrScene;
            user.QrSceneStr = qrSceneStr;
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
            var now = time.GetUtcNow();
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
        }
    }

    /// <summary>0 and one message used, or 45015 (window closed / not following), or 45047 (quota used up).</summary>
    public int TryUseWindow(string openId)
    {
        lock (_gate)
        {
            var user = _users[openId];
            if (!user.Subscribed || user.WindowExpiresAt is not { } expires || expires <= time.GetUtcNow())
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
            var item = new InboxItem(++_seq, direction, kind, time.GetUtcNow(), msgType, content, articles, url, templateId, data);
            _users[openId].Inbox.Add(item);
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
        }
    }
}
