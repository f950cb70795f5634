namespace ClassyNet.MLNet.Data;

/// <summary>Marks an array or <see cref="VBuffer{T}"/> member as a vector column of the given dimensions (none: variable size).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>A vector of variable size.</summary>
    public VectorTypeAttribute()
    {
        Dimensions = [];
    }

    /// <summary>A vector of <paramref name="size"/> values.</summary>
    public VectorTypeAttribute(int size)
        : this([size])
    {
    }

    /// <summary>A vector of the given shape, for example 3, 32, 32 for an RGB image.</summary>
    public VectorTypeAttribute(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Any(d => d < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), $"Vector dimensions [{string.Join(", ", dimensions)}] must not be negative.");
        }

        Dimensions = [.. dimensions];
    }

    /// <summary>The dimensions; empty for a variable size.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The number of values, 0 when variable.</summary>
    public int Size => Dimensions.Count == 0 ? 0 : Dimensions.Aggregate(1, (a, b) => a * b);
}
