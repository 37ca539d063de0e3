using System.Globalization;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster of the suite's own (port <c>WXBIND_RELIABILITY_PG_PORT</c>,
/// default 26432), so an outage test can stop and start it without touching any shared server.
/// Needs root (the cluster belongs to the postgres user) and Debian's PostgreSQL binaries.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _directory;

    private PrivatePostgres(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Timeout=3";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "postgres")))
            .OrderBy(d => int.Parse(Path.GetFileName(Path.GetDirectoryName(d))!, CultureInfo.InvariantCulture))
            .LastOrDefault() ?? throw new InvalidOperationException("PostgreSQL binaries are not installed under /usr/lib/postgresql");
        var port = int.TryParse(Environment.GetEnvironmentVariable("WXBIND_RELIABILITY_PG_PORT"), out var p) ? p : 26432;
        var directory = Path.Combine(Path.GetTempPath(), $"wxbind-rel-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        await Command.RunAsync("chown", "postgres", directory);
        var server = new PrivatePostgres(bin, directory, port);
        await server.AsPostgresAsync("initdb", "-D", Path.Combine(directory, "db"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8");
        await server.StartServerAsync();
        return server;
    }

    public Task StartServerAsync() => AsPostgresAsync("pg_ctl", "-D", Path.Combine(_directory, "db"), "-l", Path.Combine(_directory, "server.log"), "-w",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} -k {_directory} -c fsync=off", "start");

    /// <summary>Stops the server the way an outage does: open connections are cut.</summary>
    public Task StopServerAsync() => AsPostgresAsync("pg_ctl", "-D", Path.Combine(_directory, "db"), "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync("pg_ctl", "-D", Path.Combine(_directory, "db"), "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(_directory, recursive: true);
    }

    private Task AsPostgresAsync(string program, params string[] arguments) =>
        Command.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, program), .. arguments]);
}
