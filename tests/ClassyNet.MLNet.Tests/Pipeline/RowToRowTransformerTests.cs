using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Transformers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class RowToRowTransformerTests
{
    [TestMethod]
    public void BatchModeMapsRowsInBatchesAndAgreesWithRowMode()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(EnumerableMappingTests.Rows(10));
        var rowMode = new SumTransformer("Features", 2f, 0);
        var batchMode = new SumTransformer("Features", 2f, 4);

        var expected = Read(rowMode.Transform(data));
        var actual = Read(batchMode.Transform(data));
        CollectionAssert.AreEqual(new[] { 4, 4, 2 }, batchMode.BatchCounts, "10 rows in batches of 4");
        CollectionAssert.AreEqual(expected.Sums, actual.Sums);
        CollectionAssert.AreEqual(expected.Scaled, actual.Scaled);
        CollectionAssert.AreEqual(expected.Labels, actual.Labels, "input columns pass through in order");
        Assert.AreEqual(6f + 4f, expected.Sums[1]);

        batchMode.BatchCounts.Clear();
        var mapper = batchMode.GetRowToRowMapper(data.Schema);
        using var cursor = data.GetRowCursor(mapper.GetDependencies([mapper.OutputSchema["Sum"]]));
        using var row = mapper.GetRow(cursor, [mapper.OutputSchema["Sum"], mapper.OutputSchema["Scaled"]]);
        var sum = row.GetGetter<float>(mapper.OutputSchema["Sum"]);
        var scaled = row.GetGetter<VBuffer<float>>(mapper.OutputSchema["Scaled"]);
        var single = new List<float>();
        while (cursor.MoveNext())
        {
            float s = 0;
            VBuffer<float> v = default;
            sum(ref s);
            sum(ref s);
            scaled(ref v);
            single.Add(s);
        }

        CollectionAssert.AreEqual(expected.Sums, single);
        Assert.IsTrue(batchMode.BatchCounts.All(c => c == 1), "a row mapper maps one row at a time");
        Assert.HasCount(10, batchMode.BatchCounts, "getters of the same row share one MapBatch call");
    }

    [TestMethod]
    public void TransformIsLazyAndComputesOnlyActiveOutputs()
    {
        var ml = new MLContext(seed: 1);
        var infinite = ml.Data.LoadFromEnumerable(Infinite());
        var transformer = new SumTransformer("Features", 1f, 8);
        var output = transformer.Transform(infinite);
        Assert.IsEmpty(transformer.BatchCounts, "Transform itself reads nothing");
        using (var cursor = output.GetRowCursor([output.Schema["Sum"]]))
        {
            Assert.IsTrue(cursor.MoveNext());
            Assert.IsFalse(cursor.IsColumnActive(output.Schema["Scaled"]));
        }

        CollectionAssert.AreEqual(new[] { 8 }, transformer.BatchCounts);
        using (var cursor = output.GetRowCursor([output.Schema["Label"]]))
        {
            Assert.IsTrue(cursor.MoveNext());
        }

        Assert.HasCount(1, transformer.BatchCounts, "no output requested: the mapper does not run");
    }

    [TestMethod]
    public void EstimatorChainFitsInOrderAndAppendBuildsFlatChains()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(EnumerableMappingTests.Rows(5));
        var pipeline = new SumEstimator("Features", 2f, 0).Append(new SumEstimator("Scaled", 0.5f, 3));
        Assert.IsInstanceOfType<EstimatorChain<SumTransformer>>(pipeline);
        Assert.HasCount(2, pipeline.Estimators);
        var shape = pipeline.GetOutputSchema(SchemaShape.Create(data.Schema));
        var model = pipeline.Fit(data);
        Assert.AreEqual(2, model.Count);
        Assert.AreEqual(0.5f, model.LastTransformer.Factor);
        var output = model.Transform(data);
        var outputShape = SchemaShape.Create(output.Schema);
        Assert.AreEqual(shape.Count, outputShape.Count);
        foreach (var column in shape)
        {
            Assert.IsTrue(outputShape.TryFindColumn(column.Name, out var actual));
            Assert.AreEqual(column, actual, column.Name);
        }

        var sums = Read(output).Sums;
        CollectionAssert.AreEqual(Read(new SumTransformer("Features", 1f, 0).Transform(data)).Sums.Select(v => v * 2).ToList(), sums, "the second step sums the first step's Scaled = Features x 2");

        var three = pipeline.Append(new SumEstimator("Features", 1f, 0));
        Assert.HasCount(3, three.Estimators);
        ITransformer t = new SumTransformer("Features", 1f, 0);
        var chain = t.Append(new SumTransformer("Scaled", 1f, 0));
        Assert.AreEqual(2, chain.Count);

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SumEstimator("Nope", 1f, 0).Append(new SumEstimator("Features", 1f, 0)).Fit(data));
        StringAssert.Contains(error.Message, "'Nope'");
    }

    [TestMethod]
    public void ChainRowMapperAgreesWithBulkTransform()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(EnumerableMappingTests.Rows(7));
        var model = new SumEstimator("Features", 2f, 3).Append(new SumEstimator("Scaled", 3f, 2)).Fit(data);
        var bulk = Read(model.Transform(data)).Sums;
        Assert.IsTrue(model.IsRowToRowMapper);
        var mapper = model.GetRowToRowMapper(data.Schema);
        var sumColumn = mapper.OutputSchema["Sum"];
        using var cursor = data.GetRowCursor(mapper.GetDependencies([sumColumn]));
        var row = mapper.GetRow(cursor, [sumColumn]);
        var getter = row.GetGetter<float>(sumColumn);
        var single = new List<float>();
        while (cursor.MoveNext())
        {
            float v = 0;
            getter(ref v);
            single.Add(v);
        }

        CollectionAssert.AreEqual(bulk, single);
        var wrong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.GetOutputSchema(DataViewSchema.Create(("Features", new VectorDataViewType(NumberDataViewType.Single)))));
        StringAssert.Contains(wrong.Message, "'Features'");
    }

    private static (List<float> Sums, List<string> Scaled, List<float> Labels) Read(IDataView view)
    {
        var sums = new List<float>();
        var scaled = new List<string>();
        var labels = new List<float>();
        using var cursor = view.GetRowCursor(view.Schema);
        var sum = cursor.GetGetter<float>(view.Schema["Sum"]);
        var vector = cursor.GetGetter<VBuffer<float>>(view.Schema["Scaled"]);
        var label = cursor.GetGetter<float>(view.Schema["Label"]);
        float s = 0, l = 0;
        VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            sum(ref s);
            vector(ref v);
            label(ref l);
            sums.Add(s);
            scaled.Add(string.Join(",", v.DenseValues()));
            labels.Add(l);
        }

        return (sums, scaled, labels);
    }

    private static IEnumerable<EnumerableMappingTests.Row> Infinite()
    {
        for (int i = 0; ; i++)
        {
            yield return EnumerableMappingTests.Rows(1)[0];
        }
    }
}
