using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WxBind.Reliability.Infrastructure;

/// <summary>Keeps the app's log lines at Warning and above, to count and to show when a check fails.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IReadOnlyList<LogLine> AtLeast(LogLevel level) => _lines.Where(l => l.Level >= level).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink._lines.Enqueue(new LogLine(logLevel, category, eventId.Id, formatter(state, exception), exception?.GetType().Name));
            }
        }
    }
}

public sealed record LogLine(LogLevel Level, string Category, int EventId, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId}] {Message}{(Exception is null ? "" : " (" + Exception + ")")}";
}
