using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// What every ClassyNet estimator must do on real ML.NET (the shape of ML.NET's own estimator checks): the estimator's
/// output shape equals the fitted transformer's output schema; the row-to-row mapper and bulk Transform agree;
/// SaveClassyNet -> LoadClassyNet in a new MLContext gives identical outputs, schema and annotations; ML.NET's
/// Model.Save refuses, naming SaveClassyNet; a missing or wrong column is named.
/// </summary>
internal static class EstimatorConformance
{
    /// <summary>The shape of a schema (ML.NET's SchemaShape.Create is internal; this goes through the library's public route).</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        new(schema.Where(c => !c.IsHidden).Select(c => SchemaShapes.Column(new DataViewSchema.DetachedColumn(c))));

    /// <summary>Runs the checks on <paramref name="data"/>; <paramref name="added"/> are the columns the transformer adds.</summary>
    public static TTransformer Check<TTransformer>(IEstimator<TTransformer> estimator, IDataView data, params string[] added)
        where TTransformer : class, ITransformer
    {
        var shape = estimator.GetOutputSchema(ShapeOf(data.Schema));
        var model = estimator.Fit(data);
        var outputSchema = model.GetOutputSchema(data.Schema);
        AssertShapeMatches(shape, outputSchema);

        var transformed = model.Transform(data);
        CollectionAssert.AreEqual(ColumnValues.Describe(outputSchema), ColumnValues.Describe(transformed.Schema), "GetOutputSchema and Transform disagree");
        var bulk = ColumnValues.Read(transformed, added);
        Assert.IsNotEmpty(bulk, "conformance needs some rows");
        Assert.AreEqual(transformed.GetRowCount() ?? bulk.Count, bulk.Count, "GetRowCount disagrees with the rows read");

        Assert.IsTrue(model.IsRowToRowMapper);
        var mapper = model.GetRowToRowMapper(data.Schema);
        CollectionAssert.AreEqual(ColumnValues.Describe(outputSchema), ColumnValues.Describe(mapper.OutputSchema), "the row mapper's schema differs");
        // The mapper scores one row at a time and bulk Transform a batch: libtorch may sum in another order for another
        // batch size, so scores may differ in the last bits (at most 7.5e-8 measured); classes and exits must not.
        ColumnValues.AssertEqual(bulk, ReadThroughMapper(mapper, data, added), added, "row-to-row mapper vs bulk Transform", singleTolerance: 1e-6f);

        using var dir = new TempDirectory();
        string path = dir.File("model.zip");
        new MLContext(seed: 5).Model.SaveClassyNet(model, data.Schema, path);
        var loaded = new MLContext(seed: 6).Model.LoadClassyNet(path, out var savedSchema);
        CollectionAssert.AreEqual(ColumnValues.Describe(data.Schema), ColumnValues.Describe(savedSchema), "the saved input schema differs");
        var reloaded = loaded.Transform(data);
        CollectionAssert.AreEqual(ColumnValues.Describe(transformed.Schema), ColumnValues.Describe(reloaded.Schema), "the loaded model's schema differs");
        CollectionAssert.AreEqual(ColumnValues.AnnotationValues(transformed.Schema), ColumnValues.AnnotationValues(reloaded.Schema), "the loaded model's annotations differ");
        ColumnValues.AssertEqual(bulk, ColumnValues.Read(reloaded, added), added, "loaded model vs fitted model");

        var refused = Assert.ThrowsExactly<NotSupportedException>(() => new MLContext().Model.Save(model, data.Schema, new MemoryStream()));
        StringAssert.Contains(refused.Message, "SaveClassyNet");
        return model;
    }

    /// <summary>
    /// Asserts that <paramref name="bad"/> (data lacking <paramref name="column"/> or holding it with a wrong type) is
    /// refused naming the column by Fit, GetOutputSchema (on its shape), Transform and GetRowToRowMapper.
    /// </summary>
    public static void CheckInvalidInput<TTransformer>(IEstimator<TTransformer> estimator, TTransformer fitted, IDataView bad, string column)
        where TTransformer : class, ITransformer
    {
        string quoted = $"'{column}'";
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.Fit(bad)).Message, quoted, "Fit");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(bad.Schema))).Message, quoted, "GetOutputSchema");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.Transform(bad)).Message, quoted, "Transform");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.GetRowToRowMapper(bad.Schema)).Message, quoted, "GetRowToRowMapper");
    }

    /// <summary>Asserts that a promised shape describes <paramref name="schema"/>: same columns, kinds, item types, key flags and annotations.</summary>
    public static void AssertShapeMatches(SchemaShape shape, DataViewSchema schema)
    {
        var visible = schema.Where(c => !c.IsHidden).ToArray();
        CollectionAssert.AreEquivalent(visible.Select(c => c.Name).ToArray(), shape.Select(c => c.Name).ToArray(), "the promised shape lists other columns");
        foreach (var column in visible)
        {
            var promised = shape.Single(c => c.Name == column.Name);
            Assert.AreEqual(Shape(column.Type), (promised.Kind, promised.ItemType, promised.IsKey), $"column '{column.Name}'");
            var annotations = column.Annotations.Schema.ToDictionary(a => a.Name, a => Shape(a.Type));
            var promisedAnnotations = promised.Annotations.ToDictionary(a => a.Name, a => (a.Kind, a.ItemType, a.IsKey));
            CollectionAssert.AreEquivalent(annotations.Keys.ToArray(), promisedAnnotations.Keys.ToArray(), $"annotations of '{column.Name}'");
            foreach (var (name, expected) in annotations)
            {
                Assert.AreEqual(expected, promisedAnnotations[name], $"annotation '{name}' of '{column.Name}'");
            }
        }
    }

    private static (SchemaShape.Column.VectorKind Kind, DataViewType Item, bool IsKey) Shape(DataViewType type)
    {
        var kind = type is VectorDataViewType v ? (v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector) : SchemaShape.Column.VectorKind.Scalar;
        var item = type is VectorDataViewType vector ? vector.ItemType : type;
        return item is KeyDataViewType key
            ? (kind, key.RawType == typeof(uint) ? NumberDataViewType.UInt32 : key.RawType == typeof(ulong) ? NumberDataViewType.UInt64 : key.RawType == typeof(ushort) ? NumberDataViewType.UInt16 : NumberDataViewType.Byte, true)
            : (kind, item, false);
    }

    private static List<object[]> ReadThroughMapper(IRowToRowMapper mapper, IDataView data, string[] added)
    {
        var columns = added.Select(n => mapper.OutputSchema[n]).ToArray();
        using var cursor = data.GetRowCursor(mapper.GetDependencies(columns));
        var row = mapper.GetRow(cursor, columns);
        var readers = columns.Select(c => ColumnValues.Reader(row, c)).ToArray();
        var rows = new List<object[]>();
        while (cursor.MoveNext())
        {
            rows.Add([.. readers.Select(r => r())]);
        }

        return rows;
    }
}
