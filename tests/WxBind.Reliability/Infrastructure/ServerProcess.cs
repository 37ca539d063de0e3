using System.Collections.Concurrent;
using System.Diagnostics;

namespace WxBind.Reliability.Infrastructure;

/// <summary>
/// A published server run as a process of its own: started with its settings as environment
/// variables and waited for until <c>/healthz</c> answers, killed with SIGKILL. Its console lines
/// are kept across its runs.
/// </summary>
internal sealed class ServerProcess(string name, Uri root)
{
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>The running process's id; null when it is not running.</summary>
    public int? Id => _process?.Id;

    /// <summary>The running process's id, or an error saying it is not running.</summary>
    public int RunningId => _process?.Id ?? throw new InvalidOperationException("not running");

    /// <summary>Starts <paramref name="dll"/> and waits until <c>/healthz</c> answers; returns how long that took.</summary>
    public async Task<TimeSpan> StartAsync(string dll, IEnumerable<KeyValuePair<string, string>> environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var watch = Stopwatch.StartNew();
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromSeconds(2) };
        while (watch.Elapsed < limit)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The {name} exited with {_process.ExitCode}:\n{string.Join('\n', _output.TakeLast(40))}");
            }
            try
            {
                using var response = await probe.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"The {name} did not answer /healthz within {limit.TotalSeconds} s:\n{string.Join('\n', _output.TakeLast(40))}");
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
