using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Builds the <see cref="SchemaShape"/> an estimator promises from the columns its transformer will add.
/// <see cref="SchemaShape.Column"/> has no public constructor in Microsoft.ML 6, so the columns come from a public
/// estimator that makes them: ML.NET's own custom-mapping estimator, given a <see cref="SchemaDefinition"/> that names
/// each column, its type and its annotations, reports exactly that column in its output shape. Nothing internal to
/// ML.NET is touched, and only the estimator's shape is used (it never maps a row).
/// </summary>
internal static class SchemaShapes
{
    private static readonly MLContext Context = new(seed: 0);

    /// <summary>The input shape with <paramref name="added"/> appended; an added column replaces an input column of the same name.</summary>
    public static SchemaShape Append(SchemaShape input, IEnumerable<DataViewSchema.DetachedColumn> added)
    {
        var columns = input.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var column in added)
        {
            columns[column.Name] = Column(column);
        }

        return new SchemaShape(columns.Values);
    }

    /// <summary>The shape of <paramref name="column"/>: its name, vector kind, item type, key flag and annotation shapes.</summary>
    public static SchemaShape.Column Column(DataViewSchema.DetachedColumn column) =>
        GenericMethod.Invoke<SchemaShape.Column>(typeof(SchemaShapes), nameof(ColumnOf), column.Type.RawType, null, column);

    private static SchemaShape.Column ColumnOf<T>(DataViewSchema.DetachedColumn column)
    {
        var definition = SchemaDefinition.Create(typeof(Carrier<T>), SchemaDefinition.Direction.Both);
        var member = definition[0];
        member.ColumnName = column.Name;
        member.ColumnType = column.Type;
        foreach (var annotation in column.Annotations.Schema)
        {
            GenericMethod.Invoke<bool>(typeof(SchemaShapes), nameof(AddAnnotation), annotation.Type.RawType, null, member, column.Annotations, annotation);
        }

        var estimator = Context.Transforms.CustomMapping<NoColumns, Carrier<T>>((_, _) => { }, contractName: null, inputSchemaDefinition: null, outputSchemaDefinition: definition);
        return estimator.GetOutputSchema(new SchemaShape([])).Single(c => c.Name == column.Name);
    }

    private static bool AddAnnotation<T>(SchemaDefinition.Column member, DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
    {
        T value = default!;
        annotations.GetValue(annotation.Name, ref value);
        member.AddAnnotation(annotation.Name, value, annotation.Type);
        return true;
    }

    /// <summary>The (empty) input of the shape-only mapping.</summary>
    internal sealed class NoColumns
    {
    }

    /// <summary>One output column of raw type <typeparamref name="T"/>, renamed and typed by the schema definition.</summary>
    internal sealed class Carrier<T>
    {
        public T Value { get; set; } = default!;
    }
}
