using Microsoft.Playwright;

namespace WxBind.BrowserTests;

public sealed class AccountPagesTests
{
    [BrowserFact]
    public async Task RegisterLogOutAndLogInAgainInChromium()
    {
        await using var session = await ChromiumSession.StartAsync();
        var page = await session.NewPageAsync();
        var email = $"b{Guid.NewGuid():N}@example.com";

        await page.GotoAsync("/account/register");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_DisplayName", "浏览器用户");
        await page.FillAsync("#Input_Password", "secret-pass-1");
        await page.ClickAsync("[data-testid=register-submit]");
        await page.WaitForURLAsync("**/account");
        Assert.Equal("浏览器用户", await page.TextContentAsync("[data-testid=profile-name]"));

        await page.ClickAsync("[data-testid=nav-logout]");
        await page.ClickAsync("[data-testid=logout-submit]");
        await page.WaitForURLAsync("**/account/login**");
        await page.GotoAsync("/account");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);

        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", "wrong-pass-1");
        await page.ClickAsync("[data-testid=login-submit]");
        Assert.Contains("邮箱或密码不正确", await page.TextContentAsync("[data-testid=errors]"), StringComparison.Ordinal);

        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", "secret-pass-1");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/account");
        Assert.Equal(email, await page.TextContentAsync("[data-testid=profile-email]"));
    }
}
