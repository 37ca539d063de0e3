namespace WxBind.Tests.Emulator;

public class QrcodeTests
{
    [Fact]
    public async Task TemporaryCodeHasTicketUrlAndExpiry()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.CreateQrcodeAsync(new { expire_seconds = 600, action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "bind:abc" } } });

        Assert.False(json.TryGetProperty("errcode", out _));
        Assert.Equal(600, json.GetProperty("expire_seconds").GetInt32());
        Assert.StartsWith("http://weixin.qq.com/q/", json.Str("url"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(json.Str("ticket")));
    }

    [Fact]
    public async Task TemporaryCodeDefaultsToConfiguredExpiry()
    {
        await using var host = await EmulatorHost.StartAsync(configure: o => o.DefaultQrExpireSeconds = 30);
        var json = await host.CreateQrcodeAsync(new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 42 } } });
        Assert.Equal(30, json.GetProperty("expire_seconds").GetInt32());
    }

    [Fact]
    public async Task PermanentCodeHasNoExpiry()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.CreateQrcodeAsync(new { action_name = "QR_LIMIT_SCENE", action_info = new { scene = new { scene_id = 100000 } } });
        Assert.False(json.TryGetProperty("expire_seconds", out _));
        Assert.StartsWith("http://weixin.qq.com/q/", json.Str("url"), StringComparison.Ordinal);
    }

    public static TheoryData<string> InvalidRequests => new()
    {
        """{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":0}}}""",
        """{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100001}}}""",
        """{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":0}}}""",
        """{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":""}}}""",
        """{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}}""",
        """{"action_name":"QR_SCENE","expire_seconds":2592001,"action_info":{"scene":{"scene_id":5}}}""",
        """{"action_name":"QR_NOPE","action_info":{"scene":{"scene_id":5}}}""",
        """{"action_info":{"scene":{"scene_id":5}}}""",
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task InvalidRequestsAreRejected(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var token = await host.GetAccessTokenAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync(new Uri("/emulator/cgi-bin/qrcode/create?access_token=" + token, UriKind.Relative), content);
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(47003, json.ErrCode());
    }

    [Fact]
    public async Task CreateRequiresAValidToken()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.PostJsonAsync("/emulator/cgi-bin/qrcode/create?access_token=bogus", new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 1 } } });
        Assert.Equal(40001, json.ErrCode());
    }

    [Fact]
    public async Task ShowqrcodeServesPngForLiveTicketAnd404AfterExpiry()
    {
        await using var host = await EmulatorHost.StartAsync();
        var json = await host.CreateQrcodeAsync(new { expire_seconds = 60, action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 7 } } });
        var url = new Uri("/emulator/cgi-bin/showqrcode?ticket=" + Uri.EscapeDataString(json.Str("ticket")), UriKind.Relative);

        using (var live = await host.Client.GetAsync(url))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("image/png", live.Content.Headers.ContentType?.MediaType);
            var png = await live.Content.ReadAsByteArrayAsync();
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        }

        host.Time.Advance(TimeSpan.FromSeconds(60));
        using var expired = await host.Client.GetAsync(url);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, expired.StatusCode);
    }

    [Fact]
    public async Task ShowqrcodeGives404ForUnknownTicket()
    {
        await using var host = await EmulatorHost.StartAsync();
        using var response = await host.Client.GetAsync(new Uri("/emulator/cgi-bin/showqrcode?ticket=nope", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SimListsQrcodesNewestFirst()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.CreateQrcodeAsync(new { action_name = "QR_SCENE", action_info = new { scene = new { scene_id = 1 } } });
        var second = await host.CreateQrcodeAsync(new { action_name = "QR_STR_SCENE", action_info = new { scene = new { scene_str = "two" } } });

        var list = await host.GetJsonAsync("/emulator/_sim/qrcodes");
        Assert.Equal(2, list.GetArrayLength());
        Assert.Equal(second.Str("ticket"), list[0].Str("ticket"));
        Assert.Equal("two", list[0].Str("scene"));
        Assert.False(list[0].GetProperty("expired").GetBoolean());
        Assert.StartsWith("http://localhost/emulator/cgi-bin/showqrcode?ticket=", list[0].Str("showqrcodeUrl"), StringComparison.Ordinal);
    }
}
