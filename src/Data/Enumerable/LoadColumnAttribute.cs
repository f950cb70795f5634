namespace ClassyNet.MLNet.Data;

/// <summary>Which field(s) of a delimited text line a member is read from (0-based), for <c>LoadFromTextFile&lt;T&gt;</c>.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>Reads the member from field <paramref name="fieldIndex"/>.</summary>
    public LoadColumnAttribute(int fieldIndex)
        : this([fieldIndex])
    {
    }

    /// <summary>Reads a vector member from fields <paramref name="start"/> to <paramref name="end"/>, both included.</summary>
    public LoadColumnAttribute(int start, int end)
        : this(end >= start ? [.. Enumerable.Range(start, end - start + 1)] : throw new ArgumentOutOfRangeException(nameof(end), end, $"end must be at least start ({start})."))
    {
    }

    /// <summary>Reads a vector member from the listed fields, in order.</summary>
    public LoadColumnAttribute(int[] columnIndexes)
    {
        ArgumentNullException.ThrowIfNull(columnIndexes);
        if (columnIndexes.Length == 0 || columnIndexes.Any(i => i < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(columnIndexes), $"Field indices [{string.Join(", ", columnIndexes)}] must be non-empty and non-negative.");
        }

        FieldIndices = [.. columnIndexes];
    }

    /// <summary>The 0-based field indices.</summary>
    public IReadOnlyList<int> FieldIndices { get; }
}
