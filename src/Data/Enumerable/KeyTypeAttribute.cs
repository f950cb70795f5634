namespace ClassyNet.MLNet.Data;

/// <summary>Marks a <see cref="uint"/> member (or <see cref="uint"/> array) as a key column over <see cref="Count"/> values (1-based, 0 = missing).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class KeyTypeAttribute : Attribute
{
    /// <summary>A key over <paramref name="count"/> values.</summary>
    public KeyTypeAttribute(ulong count)
    {
        ArgumentOutOfRangeException.ThrowIfZero(count);
        Count = count;
    }

    /// <summary>The number of key values.</summary>
    public ulong Count { get; }
}
