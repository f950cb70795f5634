namespace ClassyNet.MLNet.Data;

/// <summary>Writes a <see cref="VBuffer{T}"/> in place, reusing the arrays of an existing buffer (see <see cref="VBufferEditor{T}"/>).</summary>
public static class VBufferEditor
{
    /// <summary>
    /// Starts editing a dense buffer of <paramref name="length"/> values, reusing <paramref name="destination"/>'s
    /// values array when it holds at least <paramref name="length"/> entries.
    /// </summary>
    public static VBufferEditor<T> Create<T>(ref VBuffer<T> destination, int length) =>
        Create(ref destination, length, length, keepOldOnResize: false, requireIndicesOnDense: false);

    /// <summary>
    /// Starts editing a buffer of <paramref name="length"/> logical values with <paramref name="count"/> explicit ones
    /// (dense when they are equal), reusing <paramref name="destination"/>'s arrays where large enough.
    /// </summary>
    public static VBufferEditor<T> Create<T>(ref VBuffer<T> destination, int length, int count, bool keepOldOnResize = false, bool requireIndicesOnDense = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, length);
        var (values, indices) = destination.Storage;
        bool created = false;
        if (values is null || values.Length < count)
        {
            var grown = new T[Math.Max(count, 1)];
            if (keepOldOnResize && values is not null)
            {
                values.AsSpan().CopyTo(grown);
            }

            values = grown;
            created = true;
        }

        if (count < length || requireIndicesOnDense)
        {
            if (indices is null || indices.Length < count)
            {
                indices = new int[Math.Max(count, 1)];
            }
        }

        return new VBufferEditor<T>(length, count, values, indices, created);
    }
}
