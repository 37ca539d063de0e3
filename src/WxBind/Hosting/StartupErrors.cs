using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace WxBind.Hosting;

/// <summary>
/// Turns a configuration or start-up failure into one line that names the key or the port, so a
/// person starting the app reads what to change instead of a stack trace.
/// </summary>
internal static partial class StartupErrors
{
    public const string DefaultUrl = "http://localhost:5080";
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    // Until the host has started, its own error lines (a stack trace, then a second one from
    // background services torn down mid-start) only repeat what Describe prints in one line.
    private static volatile bool s_started;

    public static WebApplicationBuilder AddStartupErrors(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (s_started || level < LogLevel.Error));
        // --urls, ASPNETCORE_URLS and Kestrel settings win; the default applies only when none is given.
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        return builder;
    }

    /// <summary>Starts the app and waits for shutdown; a failed start stops what already started.</summary>
    public static async Task RunUntilShutdownAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // Background services that did start end through their stopping token, not by disposal.
            // A host that failed before starting any (options validated at start) cannot stop and
            // throws from StopAsync: the start failure, which names the setting, is what to report.
            try
            {
                await app.StopAsync();
            }
            catch (ArgumentNullException)
            {
            }
            throw;
        }
        s_started = true;
        await app.WaitForShutdownAsync();
    }

    /// <summary>
    /// What Program prints instead of a crash: only when the app runs as its own process. Hosted
    /// in a test server, the exception itself travels on to the test that started the app.
    /// </summary>
    public static string? ForConsole(Exception exception) =>
        System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupErrors).Assembly ? Describe(exception) : null;

    /// <summary>The one line to print for <paramref name="exception"/>, or null when it is no start-up error.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        ConfigurationException e => e.Message,
        OptionsValidationException e => "Configuration error: " + string.Join(" ", e.Failures.Select(f => Failure(e.OptionsType, f))),
        IOException { InnerException: AddressInUseException } e =>
            $"{e.Message.TrimEnd('.')}. Stop the program using that port, or pick another address with --urls http://localhost:5081 or ASPNETCORE_URLS=http://localhost:5081.",
        InvalidOperationException e when e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            "Configuration error: " + e.Message,
        DbException e => $"Cannot open the database ({e.Message.TrimEnd('.')}). Check WxBind:Storage:Provider and ConnectionStrings:Sqlite or ConnectionStrings:Postgres.",
        // Every options class failing at once: one line each.
        AggregateException e when e.InnerExceptions.All(inner => Describe(inner) is not null) =>
            string.Join(Environment.NewLine, e.InnerExceptions.Select(inner => Describe(inner))),
        _ => null,
    };

    // "DataAnnotation validation failed for 'AccountOptions' members: 'LoginPermitsPerMinute' with the error: '…'."
    // → "WxBind:Accounts:LoginPermitsPerMinute: …", the key as it is written in settings.
    private static string Failure(Type optionsType, string failure)
    {
        var match = DataAnnotationFailure().Match(failure);
        if (!match.Success)
        {
            return failure;
        }
        var section = optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as string;
        var message = match.Groups["message"].Value;
        var key = section is null ? match.Groups["member"].Value : $"{section}:{match.Groups["member"].Value}";
        return message.StartsWith(key, StringComparison.Ordinal) ? message : $"{key}: {message}";
    }

    [GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<message>.*)'\\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
