namespace ClassyNet.MLNet.Data;

/// <summary>
/// The value of a vector column: <see cref="Length"/> logical values, stored densely (every value) or sparsely (the
/// explicit values at ascending <see cref="GetIndices"/>, the rest being default). Getters may reuse the arrays of the
/// buffer they are given, so a value read from a cursor is valid until the next read into the same buffer.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public readonly struct VBuffer<T>
{
    private readonly T[]? values;
    private readonly int[]? indices;
    private readonly int count;

    /// <summary>Creates a dense buffer over the first <paramref name="length"/> entries of <paramref name="values"/> (not copied).</summary>
    public VBuffer(int length, T[] values, int[]? indices = null)
        : this(length, length, values, indices)
    {
        if (indices is not null)
        {
            throw new ArgumentException("Use the constructor taking a count for a sparse buffer.", nameof(indices));
        }
    }

    /// <summary>
    /// Creates a buffer of <paramref name="length"/> values: dense when <paramref name="indices"/> is null (then
    /// <paramref name="count"/> must equal <paramref name="length"/>), else sparse with <paramref name="count"/> explicit
    /// values at the strictly ascending <paramref name="indices"/>. Arrays are not copied.
    /// </summary>
    public VBuffer(int length, int count, T[] values, int[]? indices)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, length);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length < count)
        {
            throw new ArgumentException($"values has {values.Length} entries; the buffer needs {count}.", nameof(values));
        }

        if (indices is null)
        {
            if (count != length)
            {
                throw new ArgumentException($"A dense buffer needs count ({count}) equal to length ({length}).", nameof(count));
            }
        }
        else
        {
            if (indices.Length < count)
            {
                throw new ArgumentException($"indices has {indices.Length} entries; the buffer needs {count}.", nameof(indices));
            }

            for (int i = 0; i < count; i++)
            {
                if ((uint)indices[i] >= (uint)length || (i > 0 && indices[i] <= indices[i - 1]))
                {
                    throw new ArgumentException($"indices must be strictly ascending and in [0, {length}); entry {i} is {indices[i]}.", nameof(indices));
                }
            }
        }

        Length = length;
        this.count = count;
        this.values = values;
        this.indices = count == length ? null : indices;
    }

    /// <summary>The logical number of values.</summary>
    public int Length { get; }

    /// <summary>True when every value is stored explicitly.</summary>
    public bool IsDense => count == Length;

    /// <summary>The explicitly stored values: all <see cref="Length"/> of them when dense.</summary>
    public ReadOnlySpan<T> GetValues() => values is null ? [] : values.AsSpan(0, count);

    /// <summary>The indices of the explicitly stored values; empty when dense.</summary>
    public ReadOnlySpan<int> GetIndices() => IsDense || indices is null ? [] : indices.AsSpan(0, count);

    /// <summary>Every logical value in order, defaults included.</summary>
    public IEnumerable<T> DenseValues()
    {
        if (IsDense)
        {
            for (int i = 0; i < Length; i++)
            {
                yield return values![i];
            }

            yield break;
        }

        int next = 0;
        for (int i = 0; i < Length; i++)
        {
            if (next < count && indices![next] == i)
            {
                yield return values![next++];
            }
            else
            {
                yield return default!;
            }
        }
    }

    /// <summary>The value at <paramref name="index"/> (default when a sparse buffer does not store it).</summary>
    public T GetItemOrDefault(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        if (IsDense)
        {
            return values![index];
        }

        int k = GetIndices().BinarySearch(index);
        return k >= 0 ? values![k] : default!;
    }

    /// <summary>Writes all <see cref="Length"/> values, defaults included, to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<T> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"destination has {destination.Length} entries; the vector has {Length}.", nameof(destination));
        }

        if (IsDense)
        {
            GetValues().CopyTo(destination);
            return;
        }

        destination[..Length].Clear();
        var v = GetValues();
        var ix = GetIndices();
        for (int i = 0; i < v.Length; i++)
        {
            destination[ix[i]] = v[i];
        }
    }

    /// <summary>Copies this buffer into <paramref name="destination"/>, reusing its arrays when they are large enough.</summary>
    public void CopyTo(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length, count, keepOldOnResize: false, requireIndicesOnDense: false);
        GetValues().CopyTo(editor.Values);
        if (!IsDense)
        {
            GetIndices().CopyTo(editor.Indices);
        }

        destination = editor.Commit();
    }

    /// <summary>Copies this buffer into <paramref name="destination"/> as a dense buffer, reusing its arrays when large enough.</summary>
    public void CopyToDense(ref VBuffer<T> destination)
    {
        var editor = VBufferEditor.Create(ref destination, Length);
        CopyTo(editor.Values);
        destination = editor.Commit();
    }

    /// <summary>The stored arrays (for <see cref="VBufferEditor"/>).</summary>
    internal (T[]? Values, int[]? Indices) Storage => (values, indices);

    /// <inheritdoc/>
    public override string ToString() => $"[{string.Join(", ", DenseValues().Take(16))}{(Length > 16 ? ", ..." : string.Empty)}] (length {Length}{(IsDense ? string.Empty : $", {count} stored")})";
}
