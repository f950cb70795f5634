namespace ClassyNet.MLNet.Data;

/// <summary>A 128-bit row id: unique within a data view, stable across cursors over the same data.</summary>
/// <param name="Low">The low 64 bits.</param>
/// <param name="High">The high 64 bits.</param>
public readonly record struct DataViewRowId(ulong Low, ulong High)
{
    /// <inheritdoc/>
    public override string ToString() => High == 0 ? Low.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{High:X16}{Low:X16}";
}
