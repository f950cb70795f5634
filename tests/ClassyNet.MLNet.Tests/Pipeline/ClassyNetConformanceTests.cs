using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Networks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>Every ClassyNet estimator passes <see cref="EstimatorConformance"/> on real ML.NET, and ML.NET's prediction engine agrees with bulk Transform.</summary>
[TestClass]
public sealed class ClassyNetConformanceTests
{
    private static readonly string[] ScorerColumns = ["Score", "PredictedLabel", "ExitIndex", "Entropy"];

    [TestMethod]
    public void MapBagOfClassesPassesConformance()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.LoadKeyed(ml, 20, seed: 1);
        var estimator = ml.Transforms.ClassyNet.MapBagOfClasses(ClassyNetTestData.Sets);
        var fitted = EstimatorConformance.Check(estimator, data, "Label.Exit0", "Label.Exit1", "Label.Exit2");
        EstimatorConformance.CheckInvalidInput(estimator, fitted, ml.Data.LoadFromEnumerable(new[] { new ClassyNetTestData.FeaturesRow() }), "Label");
        EstimatorConformance.CheckInvalidInput(estimator, fitted, ClassyNetTestData.Load(ml, 4, seed: 1), "Label"); // a Single label, not a key
    }

    [TestMethod]
    public void ClassyNetTrainerPassesConformance()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.LoadKeyed(ml, 60, seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 1, inferenceBatchSize: 16));
        var fitted = EstimatorConformance.Check(trainer, data, ScorerColumns);
        Assert.AreEqual("cn+c", fitted.Model.Mode);
        var doubles = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new DoubleFeaturesRow { Label = i }));
        EstimatorConformance.CheckInvalidInput(trainer, fitted, ml.Transforms.Conversion.MapValueToKey("Label").Fit(doubles).Transform(doubles), "Features");
    }

    [TestMethod]
    public void BranchyNetTrainerPassesConformance()
    {
        var ml = new MLContext(seed: 1);
        var data = ClassyNetTestData.LoadKeyed(ml, 40, seed: 3);
        var trainer = ml.MulticlassClassification.Trainers.BranchyNet(architecture: NetworkSpec.Mlp(ClassyNetTestData.FeatureCount, [8, 8], 4), epochs: 1, batchSize: 8);
        var fitted = EstimatorConformance.Check(trainer, data, ScorerColumns);
        Assert.AreEqual("branchynet", fitted.Model.Mode);
        Assert.IsFalse(fitted.Model.ExitClasses.UsesBagOfClasses);
    }

    [TestMethod]
    public void PredictionEngineMatchesBulkTransformRowByRow()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(ClassyNetTestData.Options(epochs: 12, inferenceBatchSize: 7)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(ClassyNetTestData.Load(ml, 400, seed: 1));
        var rows = ClassyNetTestData.Rows(40, seed: 9);
        var bulk = ml.Data.CreateEnumerable<ClassyNetTestData.Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        Assert.HasCount(rows.Count, bulk);
        double accuracy = bulk.Zip(rows).Count(p => p.First.PredictedLabel == p.Second.Label) / (double)rows.Count;
        Assert.IsGreaterThan(0.9, accuracy, $"the model learned the classes (label values, not keys): predicted [{string.Join(", ", bulk.Take(8).Select(p => p.PredictedLabel))}] for [{string.Join(", ", rows.Take(8).Select(r => r.Label))}]");

        // The pipeline maps the label to a key, so (as always in ML.NET) the engine's input class has a Label; its value is not used.
        using var engine = ml.Model.CreatePredictionEngine<ClassyNetTestData.Row, ClassyNetTestData.Prediction>(model);
        for (int i = 0; i < rows.Count; i++)
        {
            var one = engine.Predict(new ClassyNetTestData.Row { Label = 0, Features = rows[i].Features });
            Assert.AreEqual(bulk[i].PredictedLabel, one.PredictedLabel, $"row {i}");
            Assert.AreEqual(bulk[i].ExitIndex, one.ExitIndex, $"row {i}");
            Assert.AreEqual(bulk[i].Entropy, one.Entropy, 1e-5f, $"row {i}");
            for (int c = 0; c < 4; c++)
            {
                Assert.AreEqual(bulk[i].Score[c], one.Score[c], 1e-5f, $"row {i}, class {c}");
            }
        }
    }

    /// <summary>Features of the wrong item type.</summary>
    private sealed class DoubleFeaturesRow
    {
        public float Label { get; set; }

        [VectorType(ClassyNetTestData.FeatureCount)]
        public double[] Features { get; set; } = new double[ClassyNetTestData.FeatureCount];
    }
}
