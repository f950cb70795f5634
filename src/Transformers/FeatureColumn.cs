using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// A features column bound to a schema: a known-size Vector&lt;Single&gt;. Reads a row's vector densely into a span and
/// refuses vectors of the wrong length and non-finite values, naming the column, row and slot.
/// </summary>
internal sealed class FeatureColumn
{
    /// <summary>What a features column must be, in words.</summary>
    public const string Expected = "a known-size Vector<Single>";

    private FeatureColumn(DataViewSchema.Column column)
    {
        Column = column;
        Type = (VectorDataViewType)column.Type;
    }

    /// <summary>The column.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>Its vector type.</summary>
    public VectorDataViewType Type { get; }

    /// <summary>Values per row.</summary>
    public int Size => Type.Size;

    /// <summary>
    /// Binds features column <paramref name="name"/> of <paramref name="schema"/>; with <paramref name="size"/>, the
    /// vector must have that many values. Throws naming the column, the type found and the type expected.
    /// </summary>
    public static FeatureColumn Bind(DataViewSchema schema, string name, string argument, int? size = null)
    {
        string expected = size is int n ? $"Vector<Single, {n}>" : Expected;
        var column = schema.GetColumnOrNull(name) ?? throw SchemaErrors.Missing(argument, "features", name, SchemaErrors.Names(schema), expected);
        if (column.Type is not VectorDataViewType { ItemType: var item, IsKnownSize: true } vector || item != NumberDataViewType.Single || (size is int s && vector.Size != s))
        {
            throw SchemaErrors.Mismatch(argument, "features", name, expected, column.Type.ToString()!);
        }

        return new FeatureColumn(column);
    }

    /// <summary>Checks features column <paramref name="name"/> of <paramref name="shape"/> (a shape has no sizes: a vector of Single).</summary>
    public static void CheckShape(SchemaShape shape, string name, string argument)
    {
        var column = shape.FirstOrDefault(c => c.Name == name);
        if (column.Name is null)
        {
            throw SchemaErrors.Missing(argument, "features", name, SchemaErrors.Names(shape), Expected);
        }

        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.IsKey || column.ItemType != NumberDataViewType.Single)
        {
            throw SchemaErrors.Mismatch(argument, "features", name, Expected, SchemaErrors.Describe(column));
        }
    }

    /// <summary>
    /// Copies <paramref name="value"/> (the vector of the row at <paramref name="row"/>) densely into
    /// <paramref name="destination"/> (<see cref="Size"/> values); throws naming the column, row and slot for a vector of
    /// another length or a NaN or infinite value.
    /// </summary>
    public void CopyChecked(in VBuffer<float> value, Span<float> destination, long row)
    {
        if (value.Length != Size)
        {
            throw new InvalidOperationException($"Features column '{Column.Name}' holds a vector of {value.Length} values in row {row.ToString(CultureInfo.InvariantCulture)}; its type {Type} says {Size}.");
        }

        var values = destination[..Size];
        value.CopyTo(values);
        for (int bad = 0; bad < values.Length; bad++)
        {
            if (float.IsFinite(values[bad]))
            {
                continue;
            }

            throw new InvalidOperationException($"Features column '{Column.Name}' holds {destination[bad].ToString(CultureInfo.InvariantCulture)} in row {row.ToString(CultureInfo.InvariantCulture)}, slot {bad.ToString(CultureInfo.InvariantCulture)}; ClassyNet needs finite features (replace missing values first, e.g. with mlContext.Transforms.ReplaceMissingValues).");
        }
    }
}
