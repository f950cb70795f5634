namespace ClassyNet.MLNet;

/// <summary>A message raised through <see cref="MLContext.Log"/>.</summary>
public sealed class LoggingEventArgs : EventArgs
{
    /// <summary>Creates a message of kind Info from an unnamed source.</summary>
    public LoggingEventArgs(string message)
        : this(message, ChannelMessageKind.Info, string.Empty)
    {
    }

    /// <summary>Creates a message.</summary>
    public LoggingEventArgs(string message, ChannelMessageKind kind, string source)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(source);
        RawMessage = message;
        Kind = kind;
        Source = source;
        Message = $"[Source={source}, Kind={kind}] {message}";
    }

    /// <summary>The formatted message: <c>[Source=..., Kind=...] message</c>.</summary>
    public string Message { get; }

    /// <summary>The message text alone.</summary>
    public string RawMessage { get; }

    /// <summary>The kind.</summary>
    public ChannelMessageKind Kind { get; }

    /// <summary>The component that wrote it.</summary>
    public string Source { get; }

    /// <inheritdoc/>
    public override string ToString() => Message;
}
