using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class FashionMnistPipelineTests
{
    [TestMethod]
    public void DesignPipelineFitsEvaluatesAndPredicts()
    {
        string dir = RealData.FashionMnistDirectory();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.TakeRows(ml.Data.LoadFashionMnist(dir, FashionMnistSplit.Train), 1500);
        var test = ml.Data.TakeRows(ml.Data.LoadFashionMnist(dir, FashionMnistSplit.Test), 500);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
            {
                Architecture = NetworkSpec.Mlp(784, [128, 64, 64], 10),
                ExitClasses = ExitClassSets.Incremental([[9], [8]], classCount: 10), // IC: exit 1 {9}, exit 2 {9, 8}
                CostMatrices = CostMatrices.Targeted(c1: 0.5f, c2: 2f, c3: 1f, c4: 1f),
                ExitLossWeights = [0.4f, 0.3f, 0.3f],
                ExitThresholds = [0.3f, 0.2f],
                Epochs = 3,
                LearningRate = 2e-3,
                Seed = 1,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        var scored = model.Transform(test);

        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.6, metrics.MicroAccuracy, metrics.ConfusionMatrix.GetFormattedConfusionTable());
        Assert.HasCount(10, metrics.PerClassLogLoss);

        var exits = ml.MulticlassClassification.EvaluateExits(scored);
        Assert.AreEqual(500, exits.Count);
        int ankleBoot = exits.ClassNames.ToList().IndexOf("9");
        Assert.IsGreaterThanOrEqualTo(0, ankleBoot, string.Join(", ", exits.ClassNames));
        Assert.IsGreaterThan(exits.Counts[0].Sum() / 2, exits.Counts[0][ankleBoot], "exit 1 returns mostly ankle boots");
        Assert.IsGreaterThan(0, exits.Counts[0].Sum(), "some garments leave at exit 1");
        Assert.AreEqual(exits.FullNetworkMacs / exits.AverageMacs, exits.Speedup, 1e-12);
        Assert.IsLessThan(exits.ExitMacs[2], exits.PerClassAverageMacs[ankleBoot], "ankle boots cost less than the full early-exit path");

        using var engine = ml.Model.CreatePredictionEngine<Garment, GarmentPrediction>(model);
        var first = ml.Data.CreateEnumerable<Garment>(test, reuseRowObject: false).First();
        var prediction = engine.Predict(first);
        var bulk = ml.Data.CreateEnumerable<GarmentPrediction>(scored, reuseRowObject: false).First();
        Assert.AreEqual(bulk.PredictedLabel, prediction.PredictedLabel);
        Assert.AreEqual(bulk.ExitIndex, prediction.ExitIndex);
        Assert.HasCount(10, prediction.Score);
    }

    [TestMethod]
    public void DefaultArchitectureForImagesIsAResNetThatScoresInBatches()
    {
        string dir = RealData.FashionMnistDirectory();
        var ml = new MLContext(seed: 1);
        var train = ml.Data.TakeRows(ml.Data.LoadFashionMnist(dir, FashionMnistSplit.Train), 64);
        var test = ml.Data.TakeRows(ml.Data.LoadFashionMnist(dir, FashionMnistSplit.Test), 40);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.BranchyNet(epochs: 1, batchSize: 32))
            .Fit(train);
        var scorer = (EarlyExitScoringTransformer)model.LastTransformer;
        Assert.AreEqual(NetworkKind.ResNet, scorer.Model.Spec.Kind);
        Assert.AreEqual(20, scorer.Model.Spec.Depth);
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, scorer.Model.InputShape.ToArray());

        var bulk = ml.Data.CreateEnumerable<KeyPrediction>(model.Transform(test), reuseRowObject: false).ToList();
        using var engine = ml.Model.CreatePredictionEngine<Garment, KeyPrediction>(model);
        var garments = ml.Data.CreateEnumerable<Garment>(test, reuseRowObject: false).Take(5).ToList();
        for (int i = 0; i < garments.Count; i++)
        {
            var one = engine.Predict(garments[i]);
            Assert.AreEqual(bulk[i].ExitIndex, one.ExitIndex, $"row {i}");
            Assert.AreEqual(bulk[i].PredictedLabel, one.PredictedLabel, $"row {i}");
            for (int c = 0; c < 10; c++)
            {
                Assert.AreEqual(bulk[i].Score[c], one.Score[c], 1e-5f, $"row {i}, class {c}: a batch of 40 and a batch of 1 agree");
            }
        }
    }

    /// <summary>A prediction whose label is still a key.</summary>
    internal sealed class KeyPrediction
    {
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public int ExitIndex { get; set; }
    }

    /// <summary>A Fashion-MNIST image.</summary>
    internal sealed class Garment
    {
        public float Label { get; set; }

        [VectorType(1, 28, 28)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>What the pipeline predicts for a garment.</summary>
    internal sealed class GarmentPrediction
    {
        public float PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public int ExitIndex { get; set; }

        public float Entropy { get; set; }
    }
}
