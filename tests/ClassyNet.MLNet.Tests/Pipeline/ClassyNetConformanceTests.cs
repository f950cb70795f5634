using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class ClassyNetConformanceTests
{
    private static readonly ExitClassSets Sets = ExitClassSets.MutuallyExclusive([[3], [1]], classCount: 4);

    [TestMethod]
    public void MapBagOfClassesPassesConformance()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 20, seed: 1, missingEvery: 6);
        var estimator = ml.Transforms.ClassyNet.MapBagOfClasses(Sets);
        var fitted = EstimatorConformance.Check(estimator, data);
        var noLabel = ml.Data.LoadFromEnumerable(new[] { new FeaturesRow() });
        EstimatorConformance.CheckInvalidInput(estimator, fitted, noLabel, "Label");
    }

    [TestMethod]
    public void ClassyNetTrainerPassesConformance()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.Load(ml, 60, seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
        {
            Architecture = NetworkSpec.Mlp(ClassyNetTestData.Features, [8, 8, 8], 4),
            ExitClasses = Sets,
            CostMatrices = CostMatrices.Targeted(0.5f, 2f, 1f, 1f),
            Epochs = 1,
            // Batch 1 like the row mapper: libtorch sums in a batch-size-dependent order (last-bit differences), and
            // conformance compares the rows' text exactly.
            InferenceBatchSize = 1,
            Seed = 1,
        });
        var fitted = EstimatorConformance.Check(trainer, data);
        Assert.AreEqual("cn+c", fitted.Model.Mode);
        EstimatorConformance.CheckInvalidInput(trainer, fitted, ml.Data.LoadFromEnumerable(new[] { new DoubleRow() }), "Features");

        // A schema shape has no vector sizes, so a wrong size is caught when fitting and binding.
        var narrow = ml.Data.LoadFromEnumerable(new[] { new NarrowRow() });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(narrow)).Message, "'Features'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => fitted.Transform(narrow)).Message, "'Features'");
    }

    [TestMethod]
    public void PredictionEngineMatchesBulkTransformAndSurvivesModelZip()
    {
        var ml = new MLContext(seed: 1);
        var train = ClassyNetTestData.Load(ml, 200, seed: 1);
        var pipeline = ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
        {
            Architecture = NetworkSpec.Mlp(ClassyNetTestData.Features, [16, 16, 16], 4),
            ExitClasses = Sets,
            Epochs = 4,
            LearningRate = 0.01,
            Seed = 2,
        }).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        var rows = ClassyNetTestData.Rows(40, seed: 9);
        var test = ml.Data.LoadFromEnumerable(rows, ClassyNetTestData.Schema());
        var bulk = ml.Data.CreateEnumerable<ValuePrediction>(model.Transform(test), reuseRowObject: false).ToList();

        using var engine = ml.Model.CreatePredictionEngine<FeaturesRow, ValuePrediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var one = engine.Predict(new FeaturesRow { Features = rows[i].Features });
            Assert.AreEqual(bulk[i].PredictedLabel, one.PredictedLabel, $"row {i}");
            Assert.AreEqual(bulk[i].ExitIndex, one.ExitIndex, $"row {i}");
            // libtorch sums in a batch-size-dependent order: a score may differ from the bulk one in its last bits.
            Assert.HasCount(bulk[i].Score.Length, one.Score);
            for (int c = 0; c < one.Score.Length; c++)
            {
                Assert.AreEqual(bulk[i].Score[c], one.Score[c], 1e-6f, $"row {i}, score {c}");
            }
        }

        using var file = new MemoryStream();
        ml.Model.Save(model, test.Schema, file);
        file.Position = 0;
        var loaded = ml.Model.Load(file, out _);
        var again = ml.Data.CreateEnumerable<ValuePrediction>(loaded.Transform(test), reuseRowObject: false).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(bulk[i].PredictedLabel, again[i].PredictedLabel, $"row {i} after Model.Load");
            CollectionAssert.AreEqual(bulk[i].Score, again[i].Score, $"row {i} after Model.Load");
        }

        Assert.IsTrue(bulk.All(p => ClassyNetTestData.KeyValues.Contains(p.PredictedLabel)), "MapKeyToValue gives label values back");
    }

    /// <summary>Model input without a label.</summary>
    internal sealed class FeaturesRow
    {
        [VectorType(ClassyNetTestData.Features)]
        public float[] Features { get; set; } = new float[ClassyNetTestData.Features];
    }

    /// <summary>A prediction after MapKeyToValue("PredictedLabel").</summary>
    internal sealed class ValuePrediction
    {
        public float PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public int ExitIndex { get; set; }
    }

    /// <summary>Features of the wrong item type.</summary>
    private sealed class DoubleRow
    {
        [KeyType(4)]
        public uint Label { get; set; } = 1;

        [VectorType(ClassyNetTestData.Features)]
        public double[] Features { get; set; } = new double[ClassyNetTestData.Features];
    }

    /// <summary>Features of the wrong size.</summary>
    private sealed class NarrowRow
    {
        [KeyType(4)]
        public uint Label { get; set; } = 1;

        [VectorType(5)]
        public float[] Features { get; set; } = new float[5];
    }
}
