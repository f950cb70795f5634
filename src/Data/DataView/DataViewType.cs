namespace ClassyNet.MLNet.Data;

/// <summary>
/// The type of a column in a <see cref="IDataView"/>: the .NET type its getters produce (<see cref="RawType"/>) plus the
/// meaning of the values (number, text, key, vector, ...). Types compare by value.
/// </summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    /// <summary>Creates a type whose values are handled as <paramref name="rawType"/>.</summary>
    protected DataViewType(Type rawType)
    {
        ArgumentNullException.ThrowIfNull(rawType);
        RawType = rawType;
    }

    /// <summary>The .NET type of values of this type, as a <see cref="ValueGetter{TValue}"/> produces them.</summary>
    public Type RawType { get; }

    /// <summary>True when <paramref name="other"/> describes the same type.</summary>
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();
}
