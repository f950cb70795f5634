namespace ClassyNet.Cli;

/// <summary>What every command gets: where to write and the token that Ctrl+C cancels.</summary>
internal sealed record CliContext(CliOutput Output, CancellationToken Cancellation);
