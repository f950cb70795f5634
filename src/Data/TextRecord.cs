namespace ClassyNet.MLNet.Data;

/// <summary>One non-empty line of a delimited text file split into fields by <see cref="DelimitedTextParser"/>.</summary>
/// <param name="LineNumber">The 1-based physical line number in the source (empty lines count).</param>
/// <param name="Fields">The fields in order, unquoted (and trimmed when the parser trims whitespace).</param>
public sealed record TextRecord(int LineNumber, string[] Fields);
