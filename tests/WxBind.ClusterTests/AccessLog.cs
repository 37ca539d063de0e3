using System.Text.RegularExpressions;

namespace WxBind.ClusterTests;

/// <summary>
/// The balancer's access log from a point on: which instance (its X-Instance, logged by nginx)
/// answered each request, including those the emulator made as WeChat and as the in-WeChat browser.
/// </summary>
internal sealed partial class AccessLog(string path, long start)
{
    public static AccessLog Open(ClusterFixture cluster)
    {
        var path = Path.Combine(cluster.State, "logs", "nginx-access.log");
        return new AccessLog(path, new FileInfo(path).Length);
    }

    public async Task<IReadOnlyList<string>> InstancesAsync()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return InstanceRegex().Matches(text).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"instance=(app\d+)")]
    private static partial Regex InstanceRegex();
}
