using System.Text.Json;

namespace WxBind.Tests.Emulator;

public class TemplateSendTests
{
    [Fact]
    public async Task NonFollowerGets43004()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateUserAsync();
        var json = await SendAsync(host, openId, "TEMPLATE_DEFAULT");
        Assert.Equal(43004, json.ErrCode());
        Assert.StartsWith("require subscribe", json.Str("errmsg"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTemplateGets40037()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        Assert.Equal(40037, (await SendAsync(host, openId, "NOT_REGISTERED")).ErrCode());
    }

    [Fact]
    public async Task RegisteredTemplateIsDeliveredAndReportedByTemplateSendJobFinish()
    {
        await using var host = await EmulatorHost.StartAsync();
        var openId = await host.CreateFollowerAsync();
        await host.PostJsonAsync("/emulator/_sim/templates", new { template_id = "TPL_SIGNUP" });

        var json = await SendAsync(host, openId, "TPL_SIGNUP");

        Assert.Equal(0, json.ErrCode());
        var msgId = json.GetProperty("msgid").GetInt64();
        var job = await host.Callback.WaitForAsync(p => p.Event == "TEMPLATESENDJOBFINISH");
        Assert.Equal(msgId.ToString(System.Globalization.CultureInfo.InvariantCulture), job.Field("MsgID"));
        Assert.Equal("success", job.Field("Status"));

        var message = (await host.InboxAsync(openId)).GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("template", message.Str("kind"));
        Assert.Equal("TPL_SIGNUP", message.Str("templateId"));
        Assert.Equal("路演报名成功", message.GetProperty("data").Str("first"));
        Assert.Equal("http://localhost/events/1", message.Str("url"));
    }

    private static async Task<JsonElement> SendAsync(EmulatorHost host, string openId, string templateId)
    {
        var token = await host.GetAccessTokenAsync();
        return await host.PostJsonAsync("/emulator/cgi-bin/message/template/send?access_token=" + token, new
        {
            touser = openId,
            template_id = templateId,
            url = "http://localhost/events/1",
            data = new { first = new { value = "路演报名成功" }, keyword1 = new { value = "2026-03-01" } },
        });
    }
}
