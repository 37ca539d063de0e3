namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// Prints a test's figures: to the test's output, and appended to the file named by
/// <c>WXBIND_RELIABILITY_REPORT</c> (the script collects them there).
/// </summary>
public sealed class Figures(ITestOutputHelper output, string test)
{
    private static readonly Lock FileLock = new();

    public void Print(string line)
    {
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("WXBIND_RELIABILITY_REPORT") is { Length: > 0 } path)
        {
            lock (FileLock)
            {
                File.AppendAllText(path, $"{test}: {line}{Environment.NewLine}");
            }
        }
    }
}
