namespace WxBind.Reliability.Infrastructure;

/// <summary>A project of the repository published as it ships (Release, ahead-of-time compiled), once per run.</summary>
internal static class ReleaseBuild
{
    /// <summary>
    /// The directory named by <paramref name="variable"/> when it is set (the script publishes
    /// once), else <paramref name="project"/> published here into <c>artifacts/reliability/</c><paramref name="output"/>.
    /// ReadyToRun: a restart is mostly JIT time otherwise.
    /// </summary>
    public static async Task<string> PublishAsync(string variable, string project, string output)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
        {
            return given;
        }
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "WxBind.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd('/')) ?? throw new InvalidOperationException("WxBind.slnx not found above the test directory");
        }
        var directory = Path.Combine(root, "artifacts", "reliability", output);
        await Command.RunAsync("dotnet", "publish", Path.Combine(root, "src", project, project + ".csproj"), "-c", "Release", "-o", directory,
            "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "--nologo", "-v", "q");
        return directory;
    }
}
