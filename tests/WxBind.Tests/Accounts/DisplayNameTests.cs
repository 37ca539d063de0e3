using System.Net;
using System.Text.Json;
using System.Net.Http.Json;
using WxBind.Storage;
using WxBind.Tests.Infrastructure;
using static WxBind.Tests.Accounts.AccountTestKit;

namespace WxBind.Tests.Accounts;

/// <summary>Display names are plain text, and no name reaches WeChat as markup.</summary>
public sealed class DisplayNameTests(AppFixture apps) : IClassFixture<AppFixture>
{
    public static TheoryData<StorageProvider> Providers => TestDatabases.Providers;

    public static TheoryData<string> MarkupNames() =>
    [
        "<a href=\"https://evil.example.com\">官方补偿</a>",
        "小明<script>",
        "小明\u202Egnp.exe",
        "小\n明",
        "小明\u0007",
    ];

    [Theory, MemberData(nameof(MarkupNames))]
    public async Task RegisterRefusesMarkupNextToTheNameField(string name)
    {
        var app = await apps.GetAsync(StorageProvider.Sqlite);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();

        var response = await browser.RegisterAsync(email, displayName: name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var field = html.IndexOf("data-valmsg-for=\"Input.DisplayName\"", StringComparison.Ordinal);
        Assert.True(field > 0);
        Assert.Contains("昵称不能包含尖括号", html[field..html.IndexOf("</span>", field, StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Equal(0, await ScalarAsync<long>(app, "SELECT COUNT(*) FROM users WHERE normalized_email = @e", new { e = email.ToUpperInvariant() }));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ProfileRenameRefusesMarkupAndKeepsTheOldName(StorageProvider provider)
    {
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();
        await browser.RegisterAsync(email, displayName: "小明");

        var refused = await browser.SubmitFormAsync("/account", new Dictionary<string, string> { ["Rename.DisplayName"] = "<b>小明</b>" }, "/account?handler=Rename");
        var renamed = await browser.SubmitFormAsync("/account", new Dictionary<string, string> { ["Rename.DisplayName"] = "小明 2" }, "/account?handler=Rename");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("昵称不能包含尖括号", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        Assert.Equal("小明 2", await UserColumnAsync<string>(app, email, "display_name"));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task StoredMarkupNameReachesWechatAsPlainText(StorageProvider provider)
    {
        // A name stored before names were checked: the message layer still sends no markup.
        var app = await apps.GetAsync(provider);
        using var browser = BrowserClient.Create(app);
        var email = NewEmail();
        await browser.RegisterAsync(email, displayName: "placeholder");
        await ScalarAsync<long>(app, "UPDATE users SET display_name = @n WHERE normalized_email = @e RETURNING 1",
            new { n = "<a href=\"https://evil.example.com\">官方补偿</a>", e = email.ToUpperInvariant() });
        var sim = SimClient.For(app);
        var openId = await sim.NewUserAsync();
        var created = await browser.Http.PostAsJsonAsync("/api/qr-sessions", new { purpose = "bind" });
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();

        var outcome = await sim.ScanAsync(openId, session.GetProperty("qrUrl").GetString()!);
        var bound = await sim.TextAsync(openId, "绑定");

        foreach (var reply in new[] { SimClient.ReplyText(outcome), SimClient.ReplyText(bound) })
        {
            Assert.NotNull(reply);
            Assert.Contains("官方补偿", reply, StringComparison.Ordinal);
            Assert.DoesNotContain("<a", reply, StringComparison.Ordinal);
            Assert.DoesNotContain("://", reply, StringComparison.Ordinal);
        }
        Assert.All(await sim.ReceivedTextsAsync(openId), text => Assert.DoesNotContain("<a href=\"https://evil", text, StringComparison.Ordinal));
    }
}
