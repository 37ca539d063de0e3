using WxBind.Emulator;

namespace WxBind.Tests.Emulator;

public class PushModeTests
{
    [Fact]
    public async Task PlainModePushIsSignedPlaintext()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Plain);
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("text", new { openid = openId, content = "你好" });

        var push = host.Callback.Received[^1];
        Assert.True(push.SignatureValid);
        Assert.Equal(openId, push.Query["openid"]);
        Assert.False(push.Query.ContainsKey("encrypt_type"));
        Assert.False(push.Query.ContainsKey("msg_signature"));
        Assert.Null(push.Outer.Element("Encrypt"));
        Assert.Equal("你好", push.Field("Content"));
        Assert.True(long.Parse(push.Field("MsgId")!, System.Globalization.CultureInfo.InvariantCulture) > (1L << 53));
    }

    [Fact]
    public async Task CompatibleModePushCarriesPlainFieldsAndEncrypt()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Compatible);
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("text", new { openid = openId, content = "兼容" });

        var push = host.Callback.Received[^1];
        Assert.True(push.SignatureValid);
        Assert.True(push.MsgSignatureValid);
        Assert.Equal("aes", push.Query["encrypt_type"]);
        Assert.Equal("兼容", push.Outer.Element("Content")?.Value);
        Assert.NotNull(push.Outer.Element("Encrypt"));
        Assert.Equal("兼容", push.Field("Content"));
    }

    [Fact]
    public async Task SafeModePushCarriesOnlyToUserNameAndEncrypt()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Safe);
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("text", new { openid = openId, content = "安全" });

        var push = host.Callback.Received[^1];
        Assert.True(push.SignatureValid);
        Assert.True(push.MsgSignatureValid);
        Assert.Equal(["ToUserName", "Encrypt"], push.Outer.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("安全", push.Field("Content"));
        Assert.Equal(openId, push.Field("FromUserName"));
    }

    [Fact]
    public async Task SafeModeAcceptsAnEncryptedReply()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Safe);
        host.Callback.Responder = push => new CallbackAnswer(200, host.Callback.Encrypted(FakeCallback.TextReply(push, "加密回复")));
        var openId = await host.CreateFollowerAsync();

        var result = await host.SimAsync("text", new { openid = openId, content = "hi" });

        Assert.Equal("replied", result.Str("outcome"));
        Assert.Equal("加密回复", result.GetProperty("reply").Str("content"));
    }

    [Fact]
    public async Task SafeModeRejectsAPlaintextReply()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Safe);
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "明文"));

        var result = await host.SimAsync("text", new { openid = openId, content = "hi" });

        Assert.Equal("该公众号暂时无法提供服务，请稍后再试", result.Str("outcome"));
    }

    [Fact]
    public async Task CompatibleModeAcceptsPlainAndEncryptedReplies()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Compatible);
        var openId = await host.CreateFollowerAsync();
        host.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "plain"));
        Assert.Equal("replied", (await host.SimAsync("text", new { openid = openId, content = "1" })).Str("outcome"));
        host.Callback.Responder = push => new CallbackAnswer(200, host.Callback.Encrypted(FakeCallback.TextReply(push, "enc")));
        Assert.Equal("replied", (await host.SimAsync("text", new { openid = openId, content = "2" })).Str("outcome"));
    }

    [Fact]
    public async Task CiphertextDiffersBetweenPushesOfTheSameContent()
    {
        await using var host = await EmulatorHost.StartAsync(EmulatorMessageMode.Safe);
        var openId = await host.CreateFollowerAsync();
        await host.SimAsync("text", new { openid = openId, content = "same" });
        await host.SimAsync("text", new { openid = openId, content = "same" });

        var encrypts = host.Callback.Received.TakeLast(2).Select(p => p.Outer.Element("Encrypt")!.Value).ToList();
        Assert.NotEqual(encrypts[0], encrypts[1]);
    }

    [Fact]
    public async Task VerifyUrlPassesWhenTheCallbackEchoesEchostr()
    {
        await using var host = await EmulatorHost.StartAsync();
        var result = await host.PostJsonAsync("/emulator/_sim/verify-url", new { });
        Assert.True(result.GetProperty("pass").GetBoolean());
    }

    [Fact]
    public async Task VerifyUrlFailsWhenTheEndpointDoesNotEchoEchostr()
    {
        await using var host = await EmulatorHost.StartAsync(configure: o => o.CallbackUrl = new Uri("http://localhost/app/done"));
        var result = await host.PostJsonAsync("/emulator/_sim/verify-url", new { });
        Assert.False(result.GetProperty("pass").GetBoolean());
    }

    [Fact]
    public async Task SafeModeWithoutAValidKeyFailsAtStartUp()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            EmulatorHost.StartAsync(EmulatorMessageMode.Safe, o => o.EncodingAesKey = "too-short"));
        Assert.Contains("EncodingAesKey", error.Message, StringComparison.Ordinal);
    }
}
