namespace ClassyNet.MLNet;

/// <summary>The kind of a log message.</summary>
public enum ChannelMessageKind
{
    /// <summary>Detailed progress.</summary>
    Trace,

    /// <summary>Information.</summary>
    Info,

    /// <summary>Something looks wrong but work goes on.</summary>
    Warning,

    /// <summary>An error.</summary>
    Error,
}
