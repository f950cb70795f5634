namespace ClassyNet.MLNet.Data;

/// <summary>
/// A key: an index into a set of <see cref="Count"/> values, stored as <see cref="uint"/>. As in ML.NET keys are
/// 1-based: 1 .. <see cref="Count"/> name the values and 0 means missing (a value not seen when the key set was built).
/// The values themselves usually travel as the column's KeyValues annotation.
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    /// <summary>Creates a key type over <paramref name="count"/> values with raw type <paramref name="type"/> (only <see cref="uint"/> is supported).</summary>
    public KeyDataViewType(Type type, ulong count)
        : base(CheckType(type))
    {
        if (count == 0 || count > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A key type needs between 1 and {uint.MaxValue} values.");
        }

        Count = count;
    }

    /// <summary>Creates a key type over <paramref name="count"/> values with raw type <paramref name="type"/> (only <see cref="uint"/> is supported).</summary>
    public KeyDataViewType(Type type, int count)
        : this(type, count > 0 ? (ulong)count : throw new ArgumentOutOfRangeException(nameof(count), count, "A key type needs at least one value."))
    {
    }

    /// <summary>Number of values the key indexes; keys run 1 .. Count, 0 is missing.</summary>
    public ulong Count { get; }

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is KeyDataViewType k && k.RawType == RawType && k.Count == Count;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RawType, Count);

    /// <inheritdoc/>
    public override string ToString() => $"Key<UInt32, 0-{Count - 1}>";

    private static Type CheckType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type == typeof(uint) ? type : throw new ArgumentException($"Key raw type {type.Name} is not supported; keys are stored as UInt32.", nameof(type));
    }
}
