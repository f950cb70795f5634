using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClassyNet.Deployment.Tests;

/// <summary>Keeps every log event with its structured fields, for tests that check what the service logs.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void Dispose()
    {
    }

    internal sealed record LogEvent(string Category, LogLevel Level, EventId Id, string Message, IReadOnlyDictionary<string, object?> Fields);

    private sealed class Logger(string category, ConcurrentQueue<LogEvent> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            events.Enqueue(new LogEvent(category, logLevel, eventId, formatter(state, exception), fields));
        }
    }
}
