using System.Collections.Immutable;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// A vector of <see cref="ItemType"/> values stored as <see cref="VBuffer{T}"/>. <see cref="Dimensions"/> gives its shape
/// (an image is [C, H, W]); a dimension of 0 means the size is not known in advance (a variable-size vector).
/// </summary>
public sealed class VectorDataViewType : DataViewType
{
    /// <summary>Creates a vector type; no dimensions (or a single 0) means a variable size.</summary>
    public VectorDataViewType(PrimitiveDataViewType itemType, params int[] dimensions)
        : base(MakeRawType(itemType))
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Any(d => d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), $"Vector dimensions [{string.Join(", ", dimensions)}] must not be negative.");
        }

        ItemType = itemType;
        Dimensions = dimensions.Length == 0 ? [0] : [.. dimensions];
        long size = 1;
        foreach (int d in Dimensions)
        {
            size *= d;
            if (size > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions), $"Vector dimensions [{string.Join(", ", dimensions)}] exceed {int.MaxValue} values.");
            }
        }

        Size = (int)size;
    }

    /// <summary>The item type.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The shape, outermost first; a 0 marks an unknown size.</summary>
    public ImmutableArray<int> Dimensions { get; }

    /// <summary>Number of values (the product of the dimensions); 0 when the size is not known.</summary>
    public int Size { get; }

    /// <summary>True when <see cref="Size"/> is positive.</summary>
    public bool IsKnownSize => Size > 0;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.SequenceEqual(Dimensions);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ItemType, Size, Dimensions.Length);

    /// <inheritdoc/>
    public override string ToString() => IsKnownSize ? $"Vector<{ItemType}, {string.Join(", ", Dimensions)}>" : $"Vector<{ItemType}>";

    private static Type MakeRawType(PrimitiveDataViewType itemType)
    {
        ArgumentNullException.ThrowIfNull(itemType);
        return typeof(VBuffer<>).MakeGenericType(itemType.RawType);
    }
}
