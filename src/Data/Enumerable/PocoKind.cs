namespace ClassyNet.MLNet.Data;

/// <summary>How a row-class member holds its column's values.</summary>
internal enum PocoKind
{
    /// <summary>A number, bool, key or ReadOnlyMemory&lt;char&gt; stored as is.</summary>
    Scalar,

    /// <summary>A string, stored as text.</summary>
    String,

    /// <summary>An array, stored as a vector.</summary>
    Array,

    /// <summary>A VBuffer, stored as a vector.</summary>
    VBuffer,
}
