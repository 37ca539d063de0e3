using System.Diagnostics;

namespace WxBind.ClusterTests;

/// <summary>The standalone emulator (as published by cluster.sh) refuses to start on incomplete settings, naming the key.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class EmulatorServerTests(ClusterFixture cluster)
{
    [ClusterFact]
    public async Task EmulatorServerWithoutACallbackUrlFailsAtStartNamingTheKey()
    {
        var output = await StartEmulatorAsync(new Dictionary<string, string>
        {
            ["Wechat__AppId"] = "wx0000000000000001",
            ["Wechat__AppSecret"] = "secret",
            ["Wechat__Token"] = "token123",
            ["Wechat__MessageMode"] = "Plain",
        });

        Assert.Contains("Emulator:CallbackUrl", output, StringComparison.Ordinal);
    }

    [ClusterFact]
    public async Task EmulatorServerInSafeModeWithoutAnAesKeyFailsAtStartNamingTheKey()
    {
        var output = await StartEmulatorAsync(new Dictionary<string, string>
        {
            ["Wechat__AppId"] = "wx0000000000000001",
            ["Wechat__AppSecret"] = "secret",
            ["Wechat__Token"] = "token123",
            ["Emulator__CallbackUrl"] = "http://127.0.0.1:9/wechat/callback",
        });

        Assert.Contains("Wechat:EncodingAESKey", output, StringComparison.Ordinal);
    }

    /// <summary>Runs the published emulator in Production (no development defaults) and returns what it wrote once it exited.</summary>
    private async Task<string> StartEmulatorAsync(Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", "WxBind.EmulatorServer.dll")
        {
            WorkingDirectory = Path.Combine(cluster.State, "publish", "emulator"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException("The emulator started instead of refusing its settings.");
        }
        Assert.NotEqual(0, process.ExitCode);
        return await output + await errors;
    }
}
