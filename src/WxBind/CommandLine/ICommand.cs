namespace WxBind.CommandLine;

/// <summary>
/// A command run instead of the web server: <c>dotnet run --project src/WxBind -- admin grant a@b.c</c>.
/// The database is migrated first; the command prints one line and its result is the exit code.
/// Features register theirs with <see cref="CommandLineExtensions.AddCommand{T}"/>.
/// </summary>
internal interface ICommand
{
    /// <summary>The words that select the command, e.g. <c>admin grant</c>.</summary>
    string Name { get; }

    /// <summary>What follows the name, e.g. <c>&lt;email&gt;</c>.</summary>
    string Arguments { get; }

    /// <summary>
    /// Runs with the words after the name; writes its one line to <paramref name="output"/>, or a
    /// clear reason to <paramref name="error"/>; returns the process exit code (0 for success).
    /// </summary>
    Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken);
}
