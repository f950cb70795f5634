namespace ClassyNet.Cli;

/// <summary>A user error (bad option, missing data, mismatched model): its message goes to stderr, without a stack trace.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
