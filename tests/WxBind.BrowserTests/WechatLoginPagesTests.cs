using Microsoft.Playwright;

namespace WxBind.BrowserTests;

/// <summary>F3 as a follower does it on the simulated phone: tap the link in the chat, register or log in inside WeChat.</summary>
public sealed class WechatLoginPagesTests
{
    [BrowserFact]
    public async Task UnboundFollowerTapsTheLinkRegistersAndIsBound()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);

        // A follow without a scene is welcomed with the signed link.
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        await phone.Locator("#chat .msg.in a.link").Last.ClickAsync();

        var browser = phone.FrameLocator("#browser iframe");
        await Expect(browser.Locator("h1"), "微信登录");
        await ChromiumSession.ScreenshotAsync(phone, "wx-login");
        await browser.Locator("[data-testid=wx-register-link]").ClickAsync();
        // The login page has an e-mail field too: wait for the register form before filling in.
        await browser.Locator("[data-testid=wx-register-form]").WaitForAsync();
        await browser.Locator("#Input_Email").FillAsync($"p{Guid.NewGuid():N}@example.com");
        await browser.Locator("#Input_DisplayName").FillAsync("手机用户");
        await browser.Locator("#Input_Password").FillAsync("secret-pass-1");
        await browser.Locator("[data-testid=wx-register-submit]").ClickAsync();

        await Expect(browser.Locator("[data-testid=wx-done]"), "绑定成功");
        await ChromiumSession.ScreenshotAsync(phone, "wx-bound");
        await phone.ClickAsync("#browser-close");
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
        await Expect(phone.Locator("#chat .msg.in").Last, "手机用户");
    }

    [BrowserFact]
    public async Task FollowerSendsBindAndLogsInToAnExistingAccount()
    {
        await using var session = await ChromiumSession.StartAsync();
        var site = await session.NewPageAsync();
        var email = $"e{Guid.NewGuid():N}@example.com";
        await site.GotoAsync("/account/register");
        await site.FillAsync("#Input_Email", email);
        await site.FillAsync("#Input_DisplayName", "网站老用户");
        await site.FillAsync("#Input_Password", "secret-pass-1");
        await site.ClickAsync("[data-testid=register-submit]");
        await site.WaitForURLAsync("**/account");
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#follow-state"), "已关注");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");

        await phone.FillAsync("#chat-input", "绑定");
        await phone.ClickAsync("#send");
        await Expect(phone.Locator("#chat .msg.in").Last, "点此登录或注册");
        await phone.Locator("#chat .msg.in a.link").Last.ClickAsync();
        var browser = phone.FrameLocator("#browser iframe");
        await browser.Locator("#Input_Email").FillAsync(email);
        await browser.Locator("#Input_Password").FillAsync("secret-pass-1");
        await browser.Locator("[data-testid=wx-login-submit]").ClickAsync();

        await Expect(browser.Locator("[data-testid=wx-done]"), "网站老用户");
        await phone.ClickAsync("#browser-close");
        await Expect(phone.Locator("#chat .msg.in").Last, "绑定成功");
        // The website sees the binding too.
        await site.ReloadAsync();
        await site.WaitForSelectorAsync("[data-testid=binding]");
    }

    [BrowserFact]
    public async Task LinkForwardedToAnotherWechatUserIsRefusedWithAClearPage()
    {
        await using var session = await ChromiumSession.StartAsync();
        var owner = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(owner);
        await owner.ClickAsync("#follow");
        await Expect(owner.Locator("#chat .msg.in").Last, "欢迎关注");
        var link = await owner.Locator("#chat .msg.in a.link").Last.GetAttributeAsync("href");
        Assert.NotNull(link);

        // The message is forwarded: a second WeChat user opens the link in their own in-WeChat
        // browser (the phone's device site, where WeChat's authorize page answers as that user).
        var other = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(other);
        var otherOpenId = await other.Locator("#current-openid").InnerTextAsync();
        var frameUrl = await other.EvaluateAsync<string>(
            "async ([openid, url]) => (await (await fetch('/emulator/_sim/browse', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ openid, url }) })).json()).frameUrl",
            new[] { otherOpenId.Trim(), link });
        await other.GotoAsync(frameUrl);

        await Expect(other.Locator("[data-testid=wx-refusal]"), "这个链接不是发给你的");
        await Expect(other.Locator("[data-testid=wx-refusal-message]"), "发送“绑定”");
        await Assertions.Expect(other.Locator("form")).ToHaveCountAsync(0);
        await ChromiumSession.ScreenshotAsync(other, "wx-link-not-yours");

        // Its owner still can: the refusal spent nothing.
        await owner.Locator("#chat .msg.in a.link").Last.ClickAsync();
        await Expect(owner.FrameLocator("#browser iframe").Locator("h1"), "微信登录");
        await owner.FrameLocator("#browser iframe").Locator("[data-testid=wx-register-link]").WaitForAsync();
    }

    [BrowserFact]
    public async Task LinkOpenedOutsideWechatShowsItAsACodeToScan()
    {
        await using var session = await ChromiumSession.StartAsync();
        var phone = await session.NewPhoneAsync();
        await ChromiumSession.NewPhoneUserAsync(phone);
        await phone.ClickAsync("#follow");
        await Expect(phone.Locator("#chat .msg.in").Last, "欢迎关注");
        var link = await phone.Locator("#chat .msg.in a.link").Last.GetAttributeAsync("href");

        var desktop = await session.NewPageAsync();
        await desktop.GotoAsync(link!);

        await Expect(desktop.Locator("[data-testid=wx-open-in-wechat] h1"), "请在微信中打开");
        var qr = desktop.Locator("[data-testid=wx-open-qr]");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"));
    }

    private static Task Expect(ILocator locator, string text) =>
        Assertions.Expect(locator).ToContainTextAsync(text, new LocatorAssertionsToContainTextOptions { Timeout = 15_000 });
}
