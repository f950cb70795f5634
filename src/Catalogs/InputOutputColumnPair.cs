namespace ClassyNet.MLNet;

/// <summary>An output column and the input column it is computed from (the input defaults to the output's name).</summary>
public sealed class InputOutputColumnPair
{
    /// <summary>Creates the pair.</summary>
    public InputOutputColumnPair(string outputColumnName, string? inputColumnName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The input column.</summary>
    public string InputColumnName { get; }

    internal static (string outputColumnName, string inputColumnName)[] ToTuples(InputOutputColumnPair[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0 || columns.Any(c => c is null))
        {
            throw new ArgumentException("At least one column pair is needed, and none may be null.", nameof(columns));
        }

        return [.. columns.Select(c => (c.OutputColumnName, c.InputColumnName))];
    }
}
