using System.Text.Json;

namespace WxBind.Tests.Hosting;

/// <summary>
/// The app's runtime settings, as built beside it and shipped: the collector that keeps its
/// resident memory level under long load (the reliability soak measures the curve).
/// </summary>
public sealed class GarbageCollectorTests
{
    [Fact]
    public void ShippedAppRunsTheWorkstationCollectorInTheBackground()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "WxBind.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean(), "System.GC.Server in WxBind.runtimeconfig.json");
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean(), "System.GC.Concurrent in WxBind.runtimeconfig.json");
    }
}
