namespace ClassyNet.MLNet.Data;

/// <summary>
/// Write access to the arrays of a <see cref="VBuffer{T}"/> being built: fill <see cref="Values"/> (and
/// <see cref="Indices"/> for a sparse buffer), then call <see cref="Commit"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly ref struct VBufferEditor<T>
{
    private readonly int length;
    private readonly int count;
    private readonly T[] values;
    private readonly int[]? indices;

    internal VBufferEditor(int length, int count, T[] values, int[]? indices, bool createdNewValues)
    {
        this.length = length;
        this.count = count;
        this.values = values;
        this.indices = indices;
        CreatedNewValues = createdNewValues;
    }

    /// <summary>The explicit values to write.</summary>
    public Span<T> Values => values.AsSpan(0, count);

    /// <summary>The indices of the explicit values (empty for a dense buffer).</summary>
    public Span<int> Indices => count == length || indices is null ? [] : indices.AsSpan(0, count);

    /// <summary>True when the old buffer's values array was too small and a new one was allocated.</summary>
    public bool CreatedNewValues { get; }

    /// <summary>The finished buffer.</summary>
    public VBuffer<T> Commit() => new(length, count, values, count == length ? null : indices);
}
