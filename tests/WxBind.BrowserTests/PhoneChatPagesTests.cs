using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>The phone page against the real callback, in each message mode the account can use.</summary>
public sealed class PhoneChatPagesTests
{
    [BrowserFact]
    public Task FollowAndChatInPlainMode() => FollowAndChatAsync("Plain");

    [BrowserFact]
    public Task FollowAndChatInSafeMode() => FollowAndChatAsync("Safe");

    [BrowserFact]
    public Task FollowAndChatInCompatibleMode() => FollowAndChatAsync("Compatible");

    private static async Task FollowAndChatAsync(string mode)
    {
        await using var session = await ChromiumSession.StartAsync(settings: new Dictionary<string, string?> { ["Wechat:MessageMode"] = mode });
        var phone = await session.NewPageAsync();
        await phone.GotoAsync("/emulator/phone");

        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#follow-state"), "已关注");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        await phone.FillAsync("#chat-input", "你好");
        await phone.ClickAsync("#send");

        await Expect(phone.Locator("#chat .msg.out").Last, "你好");
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定");
        var deliveries = await phone.APIRequest.GetAsync("/emulator/_sim/deliveries");
        Assert.Contains($"\"mode\":\"{mode}\"", await deliveries.TextAsync(), StringComparison.Ordinal);
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
