using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Transformers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// What every estimator/transformer must do (the ML.NET-style conformance check): the estimator's output shape equals
/// the fitted transformer's output schema; the row-to-row mapper and bulk Transform agree; Save -> Load gives identical
/// outputs, schema and annotations; invalid input (missing column, wrong type, wrong vector size) throws naming the column.
/// </summary>
internal static class EstimatorConformance
{
    /// <summary>Runs the checks on <paramref name="data"/> and returns the fitted transformer.</summary>
    public static TTransformer Check<TTransformer>(IEstimator<TTransformer> estimator, IDataView data)
        where TTransformer : class, ITransformer
    {
        var ml = new MLContext(seed: 1);
        var shape = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        var model = estimator.Fit(data);
        var outputSchema = model.GetOutputSchema(data.Schema);
        AssertShapesEqual(shape, SchemaShape.Create(outputSchema));

        var transformed = model.Transform(data);
        CollectionAssert.AreEqual(Describe(outputSchema), Describe(transformed.Schema), "GetOutputSchema and Transform disagree");
        var bulk = ViewReader.ReadAll(transformed);
        Assert.IsNotEmpty(bulk, "conformance needs some rows");
        Assert.AreEqual(transformed.GetRowCount() ?? bulk.Count, bulk.Count, "GetRowCount disagrees with the rows read");

        Assert.IsTrue(model.IsRowToRowMapper);
        var mapper = model.GetRowToRowMapper(data.Schema);
        CollectionAssert.AreEqual(Describe(outputSchema), Describe(mapper.OutputSchema), "the row mapper's schema differs");
        var single = ReadThroughMapper(mapper, data);
        Assert.HasCount(bulk.Count, single);
        for (int i = 0; i < bulk.Count; i++)
        {
            CollectionAssert.AreEqual(bulk[i], single[i], $"row {i}: the row-to-row mapper and bulk Transform disagree");
        }

        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out var savedSchema);
        CollectionAssert.AreEqual(Describe(data.Schema), Describe(savedSchema), "the saved input schema differs");
        CollectionAssert.AreEqual(ViewReader.Annotations(data.Schema), ViewReader.Annotations(savedSchema), "the saved input annotations differ");
        var reloaded = loaded.Transform(data);
        CollectionAssert.AreEqual(Describe(transformed.Schema), Describe(reloaded.Schema), "the loaded model's schema differs");
        CollectionAssert.AreEqual(ViewReader.Annotations(transformed.Schema), ViewReader.Annotations(reloaded.Schema), "the loaded model's annotations differ");
        var again = ViewReader.ReadAll(reloaded);
        for (int i = 0; i < bulk.Count; i++)
        {
            CollectionAssert.AreEqual(bulk[i], again[i], $"row {i}: the loaded model gives other values");
        }

        return model;
    }

    /// <summary>
    /// Asserts that <paramref name="bad"/> (data lacking <paramref name="column"/> or holding it with the wrong type or
    /// size) is refused by the estimator's shape check, its Fit and the fitted transformer, each naming the column.
    /// </summary>
    public static void CheckInvalidInput<TTransformer>(IEstimator<TTransformer> estimator, TTransformer fitted, IDataView bad, string column)
        where TTransformer : class, ITransformer
    {
        ExpectNaming(() => estimator.GetOutputSchema(SchemaShape.Create(bad.Schema)), column, "GetOutputSchema");
        ExpectNaming(() => estimator.Fit(bad), column, "Fit");
        ExpectNaming(() => fitted.GetOutputSchema(bad.Schema), column, "transformer GetOutputSchema");
        ExpectNaming(() => fitted.Transform(bad), column, "Transform");
        ExpectNaming(() => fitted.GetRowToRowMapper(bad.Schema), column, "GetRowToRowMapper");
    }

    public static string[] Describe(DataViewSchema schema) => [.. schema.Select(c => $"{c.Name}:{c.Type}{(c.IsHidden ? " hidden" : string.Empty)}")];

    public static void AssertShapesEqual(SchemaShape expected, SchemaShape actual)
    {
        Assert.AreEqual(expected.Count, actual.Count, $"estimator shape {expected} vs transformer schema {actual}");
        foreach (var column in expected)
        {
            Assert.IsTrue(actual.TryFindColumn(column.Name, out var other), $"column '{column.Name}' is missing from the fitted output");
            Assert.AreEqual(column, other, $"column '{column.Name}': estimator says {column.DescribeType()} with annotations {column.Annotations}, transformer gives {other.DescribeType()} with {other.Annotations}");
        }
    }

    private static List<string[]> ReadThroughMapper(IRowToRowMapper mapper, IDataView data)
    {
        var outputs = mapper.OutputSchema.Where(c => !c.IsHidden).ToArray();
        using var cursor = data.GetRowCursor(mapper.GetDependencies(outputs));
        var row = mapper.GetRow(cursor, outputs);
        var readers = outputs.Select(c => ViewReader.Reader(row, c)).ToArray();
        var rows = new List<string[]>();
        while (cursor.MoveNext())
        {
            rows.Add([.. readers.Select(r => r())]);
        }

        return rows;
    }

    private static void ExpectNaming(Action action, string column, string what)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            StringAssert.Contains(e.Message, $"'{column}'", $"{what}: the message should name the column");
            return;
        }

        Assert.Fail($"{what} accepted invalid input for column '{column}'.");
    }
}
