using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WxBind.Emulator;
using WxBind.Emulator.Users;

namespace WxBind.Tests.Emulator;

/// <summary>Simulated users, follow state and chat survive a restart when <c>Emulator:StateFile</c> is set.</summary>
public sealed class UserStatePersistenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wxemu-state-").FullName;

    private string StateFile => Path.Combine(_dir, "data", "emulator.json");

    [Fact]
    public async Task RestartKeepsUsersFollowStateAndChat()
    {
        string openId;
        string deviceFrame;
        await using (var first = await EmulatorHost.StartAsync(configure: o => o.StateFile = StateFile))
        {
            first.Callback.Responder = push => new CallbackAnswer(200, FakeCallback.TextReply(push, "你好，欢迎"));
            openId = await first.CreateUserAsync("小张");
            await first.SimAsync("follow", new { openid = openId });
            await first.SimAsync("text", new { openid = openId, content = "绑定" });
            deviceFrame = (await first.SimAsync("browse", new { openid = openId, url = "/app/landing" })).Str("frameUrl");
        }

        Assert.True(File.Exists(StateFile));
        await using var second = await EmulatorHost.StartAsync(configure: o => o.StateFile = StateFile);

        var users = await second.GetJsonAsync("/emulator/_sim/users");
        var user = Assert.Single(users.EnumerateArray());
        Assert.Equal(openId, user.Str("openid"));
        Assert.Equal("小张", user.Str("nickname"));
        Assert.True(user.GetProperty("subscribed").GetBoolean());
        var inbox = await second.InboxAsync(openId);
        var chat = inbox.GetProperty("chat").EnumerateArray().Select(m => (m.Str("direction"), m.GetProperty("content").GetString())).ToList();
        Assert.Contains(("out", "绑定"), chat);
        Assert.Contains(("in", "你好，欢迎"), chat);
        // The same phone: its browser site is unchanged, and new messages continue the sequence.
        Assert.Equal(deviceFrame, (await second.SimAsync("browse", new { openid = openId, url = "/app/landing" })).Str("frameUrl"));
        await second.SimAsync("text", new { openid = openId, content = "再来" });
        var seqs = (await second.InboxAsync(openId)).GetProperty("chat").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
    }

    [Fact]
    public async Task ChatKeepsItsLatestEntriesInMemoryAndInTheStateFile()
    {
        const int sent = UserStore.ChatLimit + 20;
        string openId;
        await using (var first = await EmulatorHost.StartAsync(configure: o => o.StateFile = StateFile))
        {
            openId = await first.CreateFollowerAsync();
            for (var i = 0; i < sent; i++)
            {
                await first.SimAsync("text", new { openid = openId, content = $"m{i}" });
            }

            var contents = Contents(await first.InboxAsync(openId));
            Assert.Equal(UserStore.ChatLimit, contents.Count);
            Assert.Equal($"m{sent - UserStore.ChatLimit}", contents[0]);
            Assert.Equal($"m{sent - 1}", contents[^1]);
        }

        using (var file = JsonDocument.Parse(await File.ReadAllTextAsync(StateFile)))
        {
            var inbox = file.RootElement.GetProperty("users")[0].GetProperty("inbox");
            Assert.Equal(UserStore.ChatLimit, inbox.GetArrayLength());
        }

        // After a restart the phone page shows the same latest entries, and new ones follow them.
        await using var second = await EmulatorHost.StartAsync(configure: o => o.StateFile = StateFile);
        await second.SimAsync("text", new { openid = openId, content = "after" });
        var after = Contents(await second.InboxAsync(openId));
        Assert.Equal(UserStore.ChatLimit, after.Count);
        Assert.Equal($"m{sent - UserStore.ChatLimit + 1}", after[0]);
        Assert.Equal("after", after[^1]);

        static List<string?> Contents(JsonElement inbox) =>
            [.. inbox.GetProperty("chat").EnumerateArray().Select(m => m.GetProperty("content").GetString())];
    }

    [Fact]
    public async Task WithoutAStateFileNothingIsWrittenAndARestartStartsEmpty()
    {
        await using (var first = await EmulatorHost.StartAsync())
        {
            await first.CreateUserAsync();
        }

        await using var second = await EmulatorHost.StartAsync();
        Assert.Empty((await second.GetJsonAsync("/emulator/_sim/users")).EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")));
    }

    [Fact]
    public async Task DamagedStateFileIsSetAsideAndTheEmulatorStarts()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile)!);
        await File.WriteAllTextAsync(StateFile, "{ not json");

        await using var host = await EmulatorHost.StartAsync(configure: o => o.StateFile = StateFile);
        var openId = await host.CreateUserAsync();

        Assert.Equal("{ not json", await File.ReadAllTextAsync(StateFile + ".damaged"));
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(StateFile));
        Assert.Equal(openId, saved.RootElement.GetProperty("users")[0].Str("openId"));
    }

    [Fact]
    public void LargeStateIsWrittenWithoutABufferOfItsSize()
    {
        var file = new UserStateFile(Options.Create(new EmulatorOptions { StateFile = StateFile }), NullLogger<UserStateFile>.Instance);
        var users = Enumerable.Range(0, 5000).Select(i => new SimUserState($"oLoad{i:D23}", "用户", DateTimeOffset.UnixEpoch, $"device{i:D8}", true,
            DateTimeOffset.UnixEpoch, "ADD_SCENE_QR_CODE", 0, $"bind-{i}", null, null, [])).ToList();
        file.Save(new UserState(0, [])); // the serializer's metadata is built once per process, not per save

        var before = GC.GetAllocatedBytesForCurrentThread();
        file.Save(new UserState(1, users));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A load test's thousands of users: megabytes on disk, a few kilobytes of buffer in memory.
        var written = new FileInfo(StateFile).Length;
        Assert.True(written > 1_000_000, $"only {written} bytes written");
        Assert.True(allocated < written / 4, $"{allocated} bytes allocated to write {written}");
        Assert.Equal(5000, file.Load()!.Users.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
