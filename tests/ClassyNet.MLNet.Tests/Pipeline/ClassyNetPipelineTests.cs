using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Transformers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class ClassyNetPipelineTests
{
    // IC in the label's values: exit 1 answers {3}, exit 2 {3, 1}; value 3 is key 3 and value 1 is key 4.
    private static readonly ExitClassSets Sets = ExitClassSets.Incremental([[3], [1]], classCount: 4);

    private static EarlyExitScoringTransformer? trained;

    private static ClassyNetTrainer.Options Options(int epochs = 8) => new()
    {
        Architecture = NetworkSpec.Mlp(ClassyNetTestData.Features, [24, 24, 24], 4),
        ExitClasses = Sets,
        ExitThresholds = [0.4f, 0.4f],
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 0.01,
        Seed = 7,
    };

    private static EarlyExitScoringTransformer Trained()
    {
        if (trained is null)
        {
            var ml = new MLContext(seed: 1);
            trained = ml.MulticlassClassification.Trainers.ClassyNet(Options()).Fit(ClassyNetTestData.Load(ml, 400, seed: 1));
        }

        return trained;
    }

    [TestMethod]
    public void MapBagOfClassesAddsPerExitKeysThroughKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 12, seed: 2, missingEvery: 5);
        var estimator = ml.Transforms.ClassyNet.MapBagOfClasses(Sets);
        var transformer = estimator.Fit(data);
        var output = transformer.Transform(data);
        CollectionAssert.AreEqual(new[] { "Label.Exit0", "Label.Exit1", "Label.Exit2" }, output.Schema.Skip(2).Select(c => c.Name).ToArray());
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 2), output.Schema["Label.Exit0"].Type, "exit 1: {3} + bag");
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 3), output.Schema["Label.Exit1"].Type, "exit 2: {3, 1} + bag");
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 4), output.Schema["Label.Exit2"].Type, "final exit: all classes");
        VBuffer<ReadOnlyMemory<char>> names = default;
        output.Schema["Label.Exit1"].GetKeyValues(ref names);
        CollectionAssert.AreEqual(new[] { "3", "1", "Bag" }, names.DenseValues().Select(n => n.ToString()).ToArray());

        var rows = ClassyNetTestData.Rows(12, seed: 2, missingEvery: 5);
        var exits = Enumerable.Range(0, 3).Select(m => ReadKeys(output, $"Label.Exit{m}")).ToArray();
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Label == 0)
            {
                Assert.IsTrue(exits.All(e => e[i] == 0), "a missing label stays missing at every exit");
                continue;
            }

            int value = (int)ClassyNetTestData.KeyValues[rows[i].Label - 1];
            Assert.AreEqual(value == 3 ? 1u : 2u, exits[0][i], $"row {i} (value {value}) at exit 1");
            Assert.AreEqual(value == 3 ? 1u : value == 1 ? 2u : 3u, exits[1][i], $"row {i} (value {value}) at exit 2");
            Assert.AreEqual(rows[i].Label, exits[2][i], "the final exit keeps the label's key order");
        }

        var loaded = ModelRoundTrip.SaveAndLoad(transformer);
        for (int m = 0; m < 3; m++)
        {
            CollectionAssert.AreEqual(exits[m], ReadKeys(loaded.Transform(data), $"Label.Exit{m}"));
        }

        AssertShapeMatches(estimator.GetOutputSchema(SchemaShape.Create(data.Schema)), output.Schema);
    }

    [TestMethod]
    public void MapBagOfClassesRejectsClassesThatAreNotLabelValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 4, seed: 2);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ml.Transforms.ClassyNet.MapBagOfClasses(ExitClassSets.Incremental([[3]], 5)).Fit(data));
        StringAssert.Contains(error.Message, "'Label'");
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.ClassyNet.MapBagOfClasses(Sets, "Target").Fit(data));
        StringAssert.Contains(missing.Message, "'Target'");
    }

    [TestMethod]
    public void TrainerMapsExitClassesThroughKeyValuesAndScores()
    {
        var model = Trained();
        Assert.AreEqual("cn", model.Model.Mode);
        CollectionAssert.AreEqual(new[] { 2 }, model.Model.ExitClasses.ClassesAt(0).ToArray(), "value 3 is key 3 = class index 2");
        CollectionAssert.AreEqual(new[] { 2, 3 }, model.Model.ExitClasses.ClassesAt(1).ToArray(), "value 1 is key 4 = class index 3");

        var ml = new MLContext(seed: 2);
        var test = ClassyNetTestData.Load(ml, 200, seed: 3);
        var scored = model.Transform(test);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["Score"].Type);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 4), scored.Schema["PredictedLabel"].Type);
        Assert.AreEqual(NumberDataViewType.Int32, scored.Schema["ExitIndex"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Entropy"].Type);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        scored.Schema["Score"].GetSlotNames(ref slots);
        CollectionAssert.AreEqual(new[] { "2", "0", "3", "1" }, slots.DenseValues().Select(s => s.ToString()).ToArray());
        VBuffer<float> keyValues = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(ClassyNetTestData.KeyValues, keyValues.DenseValues().ToArray());

        var metrics = ml.MulticlassClassification.Evaluate(scored, topKPredictionCount: 2);
        Assert.IsGreaterThan(0.9, metrics.MicroAccuracy, metrics.ConfusionMatrix.GetFormattedConfusionTable());
        Assert.IsGreaterThan(0.0, metrics.LogLossReduction);
        Assert.IsGreaterThanOrEqualTo(metrics.MicroAccuracy, metrics.TopKAccuracy);
        StringAssert.Contains(metrics.ConfusionMatrix.GetFormattedConfusionTable(), "Precision");

        var exits = ml.MulticlassClassification.EvaluateExits(scored);
        Assert.AreEqual(3, exits.ExitCount);
        Assert.AreEqual(200, exits.Counts.Sum(e => e.Sum()));
        Assert.IsGreaterThan(0, exits.Counts[0][2], "class value 3 (index 2) leaves at exit 1");
        Assert.IsGreaterThan(0.8, exits.ExitPrecision[0], "exit 1 returns mostly its own class");
        Assert.AreEqual(1.0, exits.ExitPrecision[2]);
        Assert.IsGreaterThan(1.0, exits.Speedup);
        Assert.IsLessThan(exits.PerClassAverageExit[0], exits.PerClassAverageExit[2], "the priority class leaves earlier than a non-priority class");
    }

    [TestMethod]
    public void BatchedTransformEqualsRowByRowAndOtherBatchSizes()
    {
        var model = Trained();
        var ml = new MLContext(seed: 2);
        var test = ClassyNetTestData.Load(ml, 77, seed: 4);
        var bulk = Read(ml, model.Transform(test));
        var small = Read(ml, new EarlyExitScoringTransformer(model.Model, "Features", ClassValuesOf(model), 5).Transform(test));
        AssertSame(bulk, small, "batches of 5");

        var mapper = model.GetRowToRowMapper(test.Schema);
        var outputs = new[] { "Score", "PredictedLabel", "ExitIndex", "Entropy" }.Select(n => mapper.OutputSchema[n]).ToArray();
        using var cursor = test.GetRowCursor(mapper.GetDependencies(outputs));
        using var row = mapper.GetRow(cursor, outputs);
        var score = row.GetGetter<VBuffer<float>>(outputs[0]);
        var key = row.GetGetter<uint>(outputs[1]);
        var exit = row.GetGetter<int>(outputs[2]);
        var perRow = new List<ClassyNetTestData.Prediction>();
        while (cursor.MoveNext())
        {
            VBuffer<float> s = default;
            uint k = 0;
            int e = 0;
            score(ref s);
            key(ref k);
            exit(ref e);
            perRow.Add(new ClassyNetTestData.Prediction { Score = [.. s.DenseValues()], PredictedLabel = k, ExitIndex = e });
        }

        AssertSame(bulk, perRow, "row by row");
    }

    [TestMethod]
    public void SaveLoadGivesIdenticalPredictions()
    {
        var model = Trained();
        var loaded = ModelRoundTrip.SaveAndLoad(model);
        var ml = new MLContext(seed: 2);
        var test = ClassyNetTestData.Load(ml, 50, seed: 5);
        AssertSame(Read(ml, model.Transform(test)), Read(ml, loaded.Transform(test)), "after save/load");
        CollectionAssert.AreEqual(model.Model.Thresholds.ToArray(), loaded.Model.Thresholds.ToArray());
        CollectionAssert.AreEqual(model.ClassLabels.ToArray(), loaded.ClassLabels.ToArray());
    }

    [TestMethod]
    public void TrainerSchemaMatchesFittedTransformer()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 40, seed: 6);
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(Options(epochs: 1));
        AssertShapeMatches(trainer.GetOutputSchema(SchemaShape.Create(data.Schema)), Trained().GetOutputSchema(data.Schema));
    }

    [TestMethod]
    public void MissingLabelsAreSkippedAndLogged()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);
        ml.MulticlassClassification.Trainers.ClassyNet(Options(epochs: 1)).Fit(ClassyNetTestData.Load(ml, 40, seed: 2, missingEvery: 4));
        Assert.IsTrue(log.Any(m => m.Contains("Skipped 10 row(s) with a missing label", StringComparison.Ordinal) && m.Contains("Kind=Warning", StringComparison.Ordinal)), string.Join("\n", log));
    }

    [TestMethod]
    public void BadLabelsAndFeaturesAreRejectedNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = ClassyNetTestData.Rows(20, seed: 1).Select((r, i) => new ClassyNetTestData.NumberRow { Label = i == 13 ? 7f : i % 4, Features = r.Features }).ToList();
        var numeric = ml.Data.LoadFromEnumerable(rows);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.ClassyNet(Options(epochs: 1)).Fit(numeric));
        StringAssert.Contains(error.Message, "'Label' holds 7 in row 13");

        var noCount = Assert.ThrowsExactly<ArgumentException>(() => ml.MulticlassClassification.Trainers.BranchyNet(epochs: 1).Fit(numeric));
        StringAssert.Contains(noCount.Message, "MapValueToKey");

        var wrongSize = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trained().Transform(ml.Data.LoadFromEnumerable(new[] { new WideRow() })));
        StringAssert.Contains(wrongSize.Message, "'Features'");
    }

    [TestMethod]
    public void NumericLabelsTrainBranchyNetAndPredictLabelValues()
    {
        var ml = new MLContext(seed: 1);
        var rows = ClassyNetTestData.Rows(200, seed: 1).Select((r, i) => new ClassyNetTestData.NumberRow { Label = i % 4, Features = r.Features }).ToList();
        var model = ml.MulticlassClassification.Trainers.BranchyNet(new ClassyNetTrainer.Options
        {
            Architecture = NetworkSpec.Mlp(ClassyNetTestData.Features, [16, 16], 4),
            ClassCount = 4,
            Epochs = 6,
            LearningRate = 0.01,
            Seed = 3,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.AreEqual("branchynet", model.Model.Mode);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        VBuffer<float> keyValues = default;
        scored.Schema["PredictedLabel"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 3f }, keyValues.DenseValues().ToArray());
        Assert.IsGreaterThan(0.9, ml.MulticlassClassification.Evaluate(scored).MicroAccuracy);
    }

    private static ClassValues ClassValuesOf(EarlyExitScoringTransformer model) => new("Single", [.. model.ClassLabels]);

    private static uint[] ReadKeys(IDataView data, string column)
    {
        var result = new List<uint>();
        using var cursor = data.GetRowCursor([data.Schema[column]]);
        var getter = cursor.GetGetter<uint>(data.Schema[column]);
        uint value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }

        return [.. result];
    }

    private static List<ClassyNetTestData.Prediction> Read(MLContext ml, IDataView scored) =>
        [.. ml.Data.CreateEnumerable<ClassyNetTestData.Prediction>(scored, reuseRowObject: false)];

    private static void AssertSame(List<ClassyNetTestData.Prediction> expected, List<ClassyNetTestData.Prediction> actual, string what)
    {
        Assert.HasCount(expected.Count, actual, what);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i].PredictedLabel, actual[i].PredictedLabel, $"{what}: row {i} label");
            Assert.AreEqual(expected[i].ExitIndex, actual[i].ExitIndex, $"{what}: row {i} exit");
            for (int c = 0; c < expected[i].Score.Length; c++)
            {
                Assert.AreEqual(expected[i].Score[c], actual[i].Score[c], 1e-5f, $"{what}: row {i} score {c}");
            }
        }
    }

    private static void AssertShapeMatches(SchemaShape shape, DataViewSchema schema)
    {
        foreach (var column in shape)
        {
            var actual = SchemaShape.Column.From(schema[column.Name]);
            Assert.IsTrue(column.IsCompatibleWith(actual), $"estimator says {column.Name}: {column.DescribeType()} with annotations {column.Annotations}; the transformer gives {actual.DescribeType()} with {actual.Annotations}");
        }

        Assert.HasCount(schema.Count(c => !c.IsHidden), shape, "the estimator lists every visible output column");
    }

    /// <summary>A row whose features have the wrong size.</summary>
    private sealed class WideRow
    {
        public uint Label { get; set; } = 1;

        [VectorType(9)]
        public float[] Features { get; set; } = new float[9];
    }
}
