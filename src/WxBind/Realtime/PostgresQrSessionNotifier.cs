using Dapper;
using Npgsql;
using WxBind.Storage;

namespace WxBind.Realtime;

/// <summary>
/// The notifier for several instances on one PostgreSQL database: a change is announced with
/// <c>NOTIFY</c>, and every instance (this one included) LISTENs on one long-lived connection and
/// wakes its own waiting pages. A page that misses a signal while the listener reconnects still
/// sees the change at its next heartbeat.
/// </summary>
internal sealed partial class PostgresQrSessionNotifier(Database database, TimeProvider time, ILogger<PostgresQrSessionNotifier> logger)
    : BackgroundService, IQrSessionNotifier
{
    public const string Channel = "wxbind_qr_sessions";

    private readonly InProcessQrSessionNotifier _local = new(time);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance listens (first connection); tests and health checks wait on it.</summary>
    public Task Listening => _listening.Task;

    public async ValueTask PublishAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        // Local pages first, without the round trip; the echo from NOTIFY is a harmless repeat.
        _local.Signal(sessionId);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @sessionId)", new { channel = Channel, sessionId }, cancellationToken: cancellationToken));
    }

    public IQrSessionSubscription Subscribe(string sessionId) => _local.Subscribe(sessionId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await database.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => _local.Signal(e.Payload);
                await connection.ExecuteAsync($"LISTEN {Channel}");
                _listening.TrySetResult();
                retry = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogListenFailed(logger, ex, retry.TotalSeconds);
                await Task.Delay(retry, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(7001, LogLevel.Warning, "Listening for QR session changes failed; retrying in {Seconds} s")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, double seconds);
}
