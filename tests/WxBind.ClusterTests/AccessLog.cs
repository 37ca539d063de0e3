using System.Text.RegularExpressions;

namespace WxBind.ClusterTests;

/// <summary>
/// The balancer's access log from a point on: which instance (its X-Instance, logged by nginx)
/// answered each request, including those the emulator made as WeChat and as the in-WeChat browser.
/// </summary>
internal sealed partial class AccessLog(string path, long start)
{
    public sealed record Entry(string Method, string Path, string Instance);

    public static AccessLog Open(ClusterFixture cluster)
    {
        var path = Path.Combine(cluster.State, "logs", "nginx-access.log");
        return new AccessLog(path, new FileInfo(path).Length);
    }

    public async Task<IReadOnlyList<string>> InstancesAsync() => (await EntriesAsync()).Select(e => e.Instance).ToList();

    public async Task<IReadOnlyList<Entry>> EntriesAsync()
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        return EntryRegex().Matches(text).Select(m => new Entry(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
    }

    /// <summary>
    /// The instances that answered <paramref name="method"/> <paramref name="requestPath"/> since the start, once
    /// <paramref name="count"/> of them are logged (nginx writes a line just after the response has gone out).
    /// </summary>
    public async Task<IReadOnlyList<string>> InstancesForAsync(string method, string requestPath, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var found = (await EntriesAsync()).Where(e => e.Method == method && e.Path == requestPath).Select(e => e.Instance).ToList();
            if (found.Count >= count || attempt == 100)
            {
                return found;
            }
            await Task.Delay(50);
        }
    }

    [GeneratedRegex("\"(\\S+) (\\S+)\" .* instance=(app\\d+)")]
    private static partial Regex EntryRegex();
}
