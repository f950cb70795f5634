using ClassyNet.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

[TestClass]
public sealed class MulticlassEvaluationTests
{
    private static readonly ScoredRow[] Rows =
    [
        new() { Label = 1, Score = [0.7f, 0.2f, 0.1f], PredictedLabel = 1 },
        new() { Label = 1, Score = [0.4f, 0.5f, 0.1f], PredictedLabel = 2 },
        new() { Label = 2, Score = [0.1f, 0.8f, 0.1f], PredictedLabel = 2 },
        new() { Label = 3, Score = [0.3f, 0.3f, 0.4f], PredictedLabel = 3 },
        new() { Label = 3, Score = [0.6f, 0.3f, 0.1f], PredictedLabel = 1 },
        new() { Label = 0, Score = [0.2f, 0.2f, 0.6f], PredictedLabel = 3 }, // missing label: skipped
    ];

    [TestMethod]
    public void MetricsFollowMlNetDefinitions()
    {
        var ml = new MLContext(seed: 1);
        var metrics = ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(Rows), topKPredictionCount: 2);
        AssertMetrics(metrics);
        Assert.AreEqual(2, metrics.TopKPredictionCount);
        Assert.AreEqual(0.6, metrics.TopKAccuracyForAllK![0], 1e-12);
        Assert.AreEqual(0.8, metrics.TopKAccuracyForAllK[1], 1e-12, "row 2's true class ranks second; row 5's third");
        Assert.AreEqual(0.8, metrics.TopKAccuracy, 1e-12);

        var confusion = metrics.ConfusionMatrix;
        Assert.AreEqual(3, confusion.NumberOfClasses);
        CollectionAssert.AreEqual(new double[] { 1, 1, 0 }, confusion.Counts[0].ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 0 }, confusion.Counts[1].ToArray());
        CollectionAssert.AreEqual(new double[] { 1, 0, 1 }, confusion.Counts[2].ToArray());
        Assert.AreEqual(1, confusion.GetCountForClassPair(predictedClassLabelIndex: 0, actualClassLabelIndex: 2));
        CollectionAssert.AreEqual(new[] { 0.5, 0.5, 1.0 }, confusion.PerClassPrecision.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, 1.0, 0.5 }, confusion.PerClassRecall.ToArray());
        string table = confusion.GetFormattedConfusionTable();
        StringAssert.Contains(table, "Confusion table");
        StringAssert.Contains(table, "Recall");
        StringAssert.Contains(table, "Precision");
        StringAssert.Contains(table, "0.5000");

        var none = ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(Rows));
        Assert.AreEqual(0, none.TopKPredictionCount);
        Assert.IsNull(none.TopKAccuracyForAllK);
        Assert.AreEqual(0, none.TopKAccuracy);
    }

    [TestMethod]
    public void WithoutAPredictedKeyTheScoresArgmaxIsUsed()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows.Select(r => new ScoreOnlyRow { Label = r.Label, Score = r.Score, PredictedLabel = 99f }).ToArray();
        AssertMetrics(ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(rows)));
    }

    [TestMethod]
    public void MismatchedColumnsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Evaluate(data, scoreColumnName: "Scores")).Message, "'Scores'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Evaluate(data, labelColumnName: "Score")).Message, "'Score'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.EvaluateExits(data)).Message, "'ExitIndex'");
    }

    private static void AssertMetrics(ClassyNet.MLNet.Evaluation.MulticlassClassificationMetrics metrics)
    {
        Assert.AreEqual(0.6, metrics.MicroAccuracy, 1e-12, "3 of the 5 labelled rows");
        Assert.AreEqual((0.5 + 1 + 0.5) / 3, metrics.MacroAccuracy, 1e-12);
        double[] losses = [-Math.Log(0.7f), -Math.Log(0.4f), -Math.Log(0.8f), -Math.Log(0.4f), -Math.Log(0.1f)];
        Assert.AreEqual(losses.Average(), metrics.LogLoss, 1e-9);
        CollectionAssert.AreEqual(
            new[] { (losses[0] + losses[1]) / 2, losses[2], (losses[3] + losses[4]) / 2 }.Select(v => Math.Round(v, 9)).ToArray(),
            metrics.PerClassLogLoss.Select(v => Math.Round(v, 9)).ToArray());
        double prior = -((2 * 0.4 * Math.Log(0.4)) + (0.2 * Math.Log(0.2)));
        Assert.AreEqual((prior - losses.Average()) / prior, metrics.LogLossReduction, 1e-9);
    }

    private sealed class ScoredRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(3)]
        public float[] Score { get; set; } = [];

        [KeyType(3)]
        public uint PredictedLabel { get; set; }
    }

    private sealed class ScoreOnlyRow
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(3)]
        public float[] Score { get; set; } = [];

        public float PredictedLabel { get; set; }
    }
}
