namespace WxBind.CommandLine;

internal static class CommandLineExtensions
{
    /// <summary>Exit code for a command that was misused (unknown name, wrong arguments).</summary>
    public const int UsageError = 2;

    /// <summary>One line per command: <c>builder.Services.AddCommand&lt;MenuPublishCommand&gt;();</c></summary>
    public static IServiceCollection AddCommand<T>(this IServiceCollection services) where T : class, ICommand =>
        services.AddScoped<ICommand, T>();

    /// <summary>
    /// True when the arguments name a command rather than configuration: host settings always
    /// look like <c>--key=value</c> or <c>key=value</c>, a command starts with a plain word.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') && !args[0].StartsWith('/') && !args[0].Contains('=', StringComparison.Ordinal);

    /// <summary>A command's run keeps the console to its one line: the app's own logs only from warnings up.</summary>
    public static IHostApplicationBuilder AddCommandLine(this IHostApplicationBuilder builder, string[] args)
    {
        if (IsCommand(args))
        {
            builder.Logging.AddFilter(category: null, LogLevel.Warning);
        }
        return builder;
    }

    /// <summary>Runs the command that <paramref name="args"/> name (the database already migrated); returns the exit code.</summary>
    public static Task<int> RunCommandAsync(this WebApplication app, string[] args) =>
        RunAsync(app.Services, args, Console.Out, Console.Error, app.Lifetime.ApplicationStopping);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var commands = scope.ServiceProvider.GetServices<ICommand>().ToList();
        // The longest matching name wins, so "menu publish" and "menu" could live side by side.
        var command = commands
            .Where(c => Matches(c.Name, args))
            .OrderByDescending(c => c.Name.Length)
            .FirstOrDefault();
        if (command is null)
        {
            await error.WriteLineAsync($"Unknown command \"{string.Join(' ', args)}\". Commands:");
            foreach (var known in commands.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                await error.WriteLineAsync($"  {known.Name} {known.Arguments}");
            }
            return UsageError;
        }
        var words = command.Name.Split(' ').Length;
        return await command.RunAsync(args.Skip(words).ToList(), output, error, cancellationToken);
    }

    private static bool Matches(string name, IReadOnlyList<string> args)
    {
        var words = name.Split(' ');
        return args.Count >= words.Length && words.Select((w, i) => string.Equals(w, args[i], StringComparison.Ordinal)).All(x => x);
    }
}
