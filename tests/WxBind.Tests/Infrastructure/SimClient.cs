using System.Net.Http.Json;
using System.Text.Json;

namespace WxBind.Tests.Infrastructure;

/// <summary>The emulator's <c>/_sim/</c> control API, as a simulated WeChat user would use it.</summary>
public sealed class SimClient(HttpClient http)
{
    public static SimClient For(WxBindFactory app) => new(app.CreateClient());

    public async Task<string> NewUserAsync()
    {
        var user = await PostAsync("users", new { });
        return user.GetProperty("openid").GetString()!;
    }

    public Task<JsonElement> FollowAsync(string openId) => PostAsync("follow", new { openid = openId });

    public Task<JsonElement> UnfollowAsync(string openId) => PostAsync("unfollow", new { openid = openId });

    public Task<JsonElement> ScanAsync(string openId, string qrUrl) => PostAsync("scan", new { openid = openId, url = qrUrl });

    public Task<JsonElement> TextAsync(string openId, string content) => PostAsync("text", new { openid = openId, content });

    public Task<JsonElement> ClickAsync(string openId, string key) => PostAsync("click", new { openid = openId, key });

    /// <summary>
    /// Opens <paramref name="url"/> in the user's in-WeChat browser (redirects and WeChat's
    /// authorize page followed as that user): <c>{status, finalUrl, contentType, body, visited}</c>.
    /// </summary>
    public Task<JsonElement> OpenAsync(string openId, string url, IDictionary<string, string>? form = null) =>
        PostAsync("open", form is null ? (object)new { openid = openId, url } : new { openid = openId, url, method = "POST", form });

    /// <summary>The text of the account's passive reply to an action, or null.</summary>
    public static string? ReplyText(JsonElement outcome) =>
        outcome.TryGetProperty("reply", out var reply) && reply.ValueKind == JsonValueKind.Object ? reply.GetProperty("content").GetString() : null;

    /// <summary>Texts the user received (passive replies, customer-service and template messages), oldest first.</summary>
    public async Task<IReadOnlyList<string>> ReceivedTextsAsync(string openId)
    {
        var inbox = await http.GetFromJsonAsync<JsonElement>($"/emulator/_sim/inbox?openid={Uri.EscapeDataString(openId)}");
        var items = inbox.EnumerateObject().First(p => p.Value.ValueKind == JsonValueKind.Array).Value;
        return items.EnumerateArray()
            .Where(i => i.GetProperty("direction").GetString() == "in" && i.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            .Select(i => i.GetProperty("content").GetString()!)
            .ToList();
    }

    private async Task<JsonElement> PostAsync(string action, object body)
    {
        var response = await http.PostAsJsonAsync($"/emulator/_sim/{action}", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"/_sim/{action}: {(int)response.StatusCode} {json}");
        return json;
    }
}
