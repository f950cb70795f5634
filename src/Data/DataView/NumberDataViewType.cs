namespace ClassyNet.MLNet.Data;

/// <summary>The numeric column types; one instance per .NET numeric type (<see cref="Single"/> is the usual one).</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private readonly string name;

    private NumberDataViewType(Type rawType, string name)
        : base(rawType)
    {
        this.name = name;
    }

    /// <summary>Signed 8-bit integers (<see cref="sbyte"/>).</summary>
    public static NumberDataViewType SByte { get; } = new(typeof(sbyte), "SByte");

    /// <summary>Unsigned 8-bit integers (<see cref="byte"/>).</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte), "Byte");

    /// <summary>Signed 16-bit integers (<see cref="short"/>).</summary>
    public static NumberDataViewType Int16 { get; } = new(typeof(short), "Int16");

    /// <summary>Unsigned 16-bit integers (<see cref="ushort"/>).</summary>
    public static NumberDataViewType UInt16 { get; } = new(typeof(ushort), "UInt16");

    /// <summary>Signed 32-bit integers (<see cref="int"/>).</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int), "Int32");

    /// <summary>Unsigned 32-bit integers (<see cref="uint"/>).</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint), "UInt32");

    /// <summary>Signed 64-bit integers (<see cref="long"/>).</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long), "Int64");

    /// <summary>Unsigned 64-bit integers (<see cref="ulong"/>).</summary>
    public static NumberDataViewType UInt64 { get; } = new(typeof(ulong), "UInt64");

    /// <summary>Single-precision floating point (<see cref="float"/>), the type of labels, features and scores.</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float), "Single");

    /// <summary>Double-precision floating point (<see cref="double"/>).</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double), "Double");

    /// <summary>All numeric types.</summary>
    public static IReadOnlyList<NumberDataViewType> All { get; } = [SByte, Byte, Int16, UInt16, Int32, UInt32, Int64, UInt64, Single, Double];

    /// <summary>The numeric type whose raw type is <paramref name="rawType"/>, or null when it is not numeric.</summary>
    public static NumberDataViewType? FromRawType(Type rawType) => All.FirstOrDefault(t => t.RawType == rawType);

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => name;
}
