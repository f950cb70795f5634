using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>What the ClassyNet components do with real ML.NET data, and how they refuse bad input.</summary>
[TestClass]
public sealed class ClassyNetPipelineTests
{
    [TestMethod]
    public void MapBagOfClassesGivesPerExitKeysThroughKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.LoadKeyed(ml, 8, seed: 1);
        var mapped = ml.Transforms.ClassyNet.MapBagOfClasses(ClassyNetTestData.Sets).Fit(data).Transform(data);
        var rows = ColumnValues.Read(mapped, "Label", "Label.Exit0", "Label.Exit1", "Label.Exit2");
        for (int i = 0; i < rows.Count; i++)
        {
            int value = ClassyNetTestData.Order[i % 4];
            uint key = (uint)rows[i][0];
            Assert.AreEqual((uint)(i % 4) + 1, key, "MapValueToKey numbers the values by first occurrence");
            Assert.AreEqual(value == 3 ? 1u : 2u, (uint)rows[i][1], $"row {i}: exit 1 answers for class 3, the rest is its bag");
            Assert.AreEqual(value == 1 ? 1u : 2u, (uint)rows[i][2], $"row {i}: exit 2 answers for class 1");
            Assert.AreEqual(key, (uint)rows[i][3], $"row {i}: the final exit keeps the class");
        }

        CollectionAssert.AreEqual(new[] { "3", "Bag" }, KeyValues(mapped.Schema["Label.Exit0"]));
        CollectionAssert.AreEqual(new[] { "2", "0", "3", "1" }, KeyValues(mapped.Schema["Label.Exit2"]));
    }

    [TestMethod]
    public void ClassSetsThatAreNotLabelValuesOrOfAnotherClassCountAreRefused()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.LoadKeyed(ml, 8, seed: 1);
        var notValues = ExitClassSets.MutuallyExclusive([[3], [1]], classCount: 5);
        var count = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.ClassyNet.MapBagOfClasses(notValues).Fit(data));
        StringAssert.Contains(count.Message, "5 classes but label column 'Label' (Key<UInt32, 0-3>) has 4");
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(notValues);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(data)).Message, "label column 'Label'");

        var shifted = ml.Data.LoadFromEnumerable(ClassyNetTestData.Rows(8, seed: 1).Select(r => new ClassyNetTestData.Row { Label = r.Label + 10, Features = r.Features }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(shifted).Transform(shifted);
        var values = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.ClassyNet.MapBagOfClasses(ClassyNetTestData.Sets).Fit(keyed));
        StringAssert.Contains(values.Message, "uses class 0, which is not a value of label column 'Label' (its KeyValues are 12, 10, 13, 11)");
    }

    [TestMethod]
    public void BadColumnsAreNamedWithTheTypeFoundAndTheTypeExpected()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1));

        var raw = ClassyNetTestData.Load(ml, 8, seed: 1);
        var nonKey = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(raw));
        StringAssert.Contains(nonKey.Message, "label column 'Label': expected Key<UInt32>, got Single");
        StringAssert.Contains(nonKey.Message, "MapValueToKey(\"Label\")");

        var noFeatures = Keyed(ml, ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new LabelOnly { Label = i })));
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(noFeatures));
        StringAssert.Contains(missing.Message, "Could not find features column 'Features'");

        var variable = Keyed(ml, ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new VariableRow { Label = i, Features = new float[i + 1] })));
        var unknownSize = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(variable));
        StringAssert.Contains(unknownSize.Message, "features column 'Features': expected a known-size Vector<Single>, got Vector<Single>");
        var shape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(EstimatorConformance.ShapeOf(variable.Schema)));
        StringAssert.Contains(shape.Message, "got VarVector<Single>");

        var wrongSize = Keyed(ml, ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new NarrowRow { Label = i })));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(wrongSize)).Message, "features column 'Features': expected Vector<Single, 16> (the input of");
    }

    [TestMethod]
    public void KeysAboveTheCountAndNonFiniteFeaturesStopWithTheirRowAndSlot()
    {
        var ml = new MLContext(seed: 1);
        var rows = ClassyNetTestData.Rows(12, seed: 1).Select((r, i) => new KeyRow { Label = (uint)(i % 4), Features = r.Features }).ToList();
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1));

        // ML.NET's loaders never deliver a key above the count (they make it the missing key 0); a hand-made view can.
        var bad = new GeneratedDataView(12, 4, ClassyNetTestData.FeatureCount, i => i == 5 ? 9u : 1 + (uint)(i % 4), (i, x) => rows[(int)i].Features.CopyTo(x));
        var outOfRange = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(bad));
        StringAssert.Contains(outOfRange.Message, "Label column 'Label' holds key 9 in row 5");

        rows[7].Features[3] = float.NaN;
        var nan = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(KeyView(ml, rows)));
        StringAssert.Contains(nan.Message, "Features column 'Features' holds NaN in row 7, slot 3");

        rows[7].Features[3] = 0;
        var model = trainer.Fit(KeyView(ml, rows));
        rows[10].Features[0] = float.PositiveInfinity;
        var scored = model.Transform(KeyView(ml, rows));
        var transform = Assert.ThrowsExactly<InvalidOperationException>(() => ColumnValues.Read(scored, "Score"));
        StringAssert.Contains(transform.Message, "holds Infinity in row 10, slot 0");
    }

    [TestMethod]
    public void RowsWithAMissingLabelAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        var rows = ClassyNetTestData.Rows(40, seed: 1).Select((r, i) => new KeyRow { Label = i % 5 == 4 ? KeyRow.Missing : (uint)(i % 4), Features = r.Features }).ToList();
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1));
        trainer.Fit(KeyView(ml, rows));
        Assert.AreEqual(8L, trainer.LastSkippedRowCount);
        Assert.IsNotNull(trainer.LastTrainingResult);
    }

    [TestMethod]
    public void BatchSizeDoesNotChangeTheAnswers()
    {
        var ml = new MLContext(seed: 1);
        var train = ClassyNetTestData.LoadKeyed(ml, 200, seed: 1);
        var test = ClassyNetTestData.LoadKeyed(ml, 50, seed: 4);
        var scorer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 6, inferenceBatchSize: 256)).Fit(train);
        string[] columns = ["PredictedLabel", "ExitIndex"];
        var reference = ColumnValues.Read(scorer.Transform(test), columns);
        var scores = ColumnValues.Read(scorer.Transform(test), "Score");
        foreach (int batch in new[] { 1, 7, 50 })
        {
            var other = new EarlyExitScoringTransformer(scorer.Model, scorer.FeatureColumnName, new ClassValues("Single", [.. scorer.ClassLabels]), batch);
            ColumnValues.AssertEqual(reference, ColumnValues.Read(other.Transform(test), columns), columns, $"batch {batch}");
            var otherScores = ColumnValues.Read(other.Transform(test), "Score");
            for (int i = 0; i < scores.Count; i++)
            {
                var a = (object[])scores[i][0];
                var b = (object[])otherScores[i][0];
                for (int c = 0; c < a.Length; c++)
                {
                    Assert.AreEqual((float)a[c], (float)b[c], 1e-5f, $"batch {batch}, row {i}, class {c}");
                }
            }
        }

        Assert.IsTrue(reference.Select(r => (int)r[1]).Distinct().Count() > 1, "the test data leaves at more than one exit");
    }

    [TestMethod]
    public void EvaluateExitsCountsWhereEachClassLeftWithOrWithoutThePredictedKey()
    {
        var ml = new MLContext(seed: 1);
        var train = ClassyNetTestData.LoadKeyed(ml, 300, seed: 1);
        var test = ClassyNetTestData.LoadKeyed(ml, 80, seed: 6);
        var scorer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 10)).Fit(train);
        var scored = scorer.Transform(test);
        var exits = ml.MulticlassClassification.EvaluateExits(scored);
        Assert.AreEqual(80, exits.Count);
        CollectionAssert.AreEqual(new[] { "2", "0", "3", "1" }, exits.ClassNames.ToArray(), "classes in key order, named by the Score's SlotNames");
        Assert.AreEqual(80, exits.Counts.Sum(row => row.Sum()));
        CollectionAssert.AreEqual(new[] { 2 }, exits.ExitClasses[0].ToArray(), "exit 1's set {3} is key index 2");
        Assert.AreEqual(exits.FullNetworkMacs / exits.AverageMacs, exits.Speedup, 1e-12);
        Assert.IsGreaterThan(0, exits.Counts[0][2], "class 3 leaves at exit 1");
        Assert.IsGreaterThan(0.8, exits.ExitPrecision[0], "what leaves at exit 1 is mostly class 3");

        var asValues = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
        var again = ml.MulticlassClassification.EvaluateExits(asValues);
        CollectionAssert.AreEqual(exits.Counts.SelectMany(r => r).ToArray(), again.Counts.SelectMany(r => r).ToArray(), "after MapKeyToValue the argmax of the scores gives the same classes");
        Assert.AreEqual(exits.Accuracy, again.Accuracy, 1e-12);

        var noExit = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.EvaluateExits(test));
        StringAssert.Contains(noExit.Message, "Could not find exit index column 'ExitIndex'");
    }

    [TestMethod]
    public void TheWholeChainPromisesItsOutputShapeToMLNetsOwnEstimators()
    {
        var ml = new MLContext(seed: 1);
        var raw = ClassyNetTestData.Load(ml, 40, seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.ClassyNet.MapBagOfClasses(ClassyNetTestData.Sets))
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var shape = pipeline.GetOutputSchema(EstimatorConformance.ShapeOf(raw.Schema)); // MapKeyToValue needs the KeyValues our shape promises
        var model = pipeline.Fit(raw);
        EstimatorConformance.AssertShapeMatches(shape, model.GetOutputSchema(raw.Schema));
        Assert.AreEqual(NumberDataViewType.Single, model.GetOutputSchema(raw.Schema)["PredictedLabel"].Type);
    }

    private static string[] KeyValues(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(v => v.ToString())];
    }

    private static IDataView Keyed(MLContext ml, IDataView data) => ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    private static IDataView KeyView(MLContext ml, List<KeyRow> rows)
    {
        var definition = SchemaDefinition.Create(typeof(KeyRow));
        definition["Label"].ColumnType = new KeyDataViewType(typeof(uint), 4);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new KeyRow { Label = r.Label, Features = [.. r.Features] }).ToList(), definition);
    }

    /// <summary>A row whose Label becomes a Key&lt;UInt32, 4&gt;: ML.NET reads the member as the 0-based class (key = value + 1) and a value of 4 or more as the missing key 0.</summary>
    private sealed class KeyRow
    {
        public const uint Missing = 4;

        public uint Label { get; set; }

        [VectorType(ClassyNetTestData.FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    private sealed class LabelOnly
    {
        public float Label { get; set; }
    }

    private sealed class VariableRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class NarrowRow
    {
        public float Label { get; set; }

        [VectorType(3)]
        public float[] Features { get; set; } = new float[3];
    }
}
