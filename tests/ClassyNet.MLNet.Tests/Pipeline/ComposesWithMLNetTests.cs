using System.Globalization;
using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// ClassyNet between ML.NET's own components: a CSV file on disk read by LoadFromTextFile, NormalizeMinMax, Concatenate,
/// MapValueToKey, the ClassyNet trainer, MapKeyToValue; then ML.NET's Evaluate, TrainTestSplit and CrossValidate.
/// </summary>
[TestClass]
public sealed class ComposesWithMLNetTests
{
    [TestMethod]
    public void CsvPipelineTrainsEvaluatesSplitsAndCrossValidates()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("points.csv");
        WriteCsv(csv, rows: 360, seed: 3);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromTextFile<CsvRow>(csv, separatorChar: ',', hasHeader: true);
        var pipeline = ml.Transforms.NormalizeMinMax("Shape")
            .Append(ml.Transforms.NormalizeMinMax("Colour"))
            .Append(ml.Transforms.Concatenate("Features", "Shape", "Colour"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.ClassyNet(new ClassyNetTrainer.Options
            {
                Architecture = NetworkSpec.Mlp(8, [16, 16, 16], 4),
                ExitClasses = ExitClassSets.Incremental([[3], [1]], classCount: 4),
                CostMatrices = CostMatrices.Targeted(0.5f, 2f, 1f, 1f),
                ExitThresholds = [0.4f, 0.4f],
                Epochs = 10,
                BatchSize = 16,
                LearningRate = 0.01,
                Seed = 4,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);
        var model = pipeline.Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.85, metrics.MicroAccuracy, metrics.ConfusionMatrix.GetFormattedConfusionTable());
        Assert.AreEqual(4, metrics.ConfusionMatrix.NumberOfClasses);
        Assert.IsGreaterThan(0, metrics.LogLossReduction, "better than the class prior");
        var exits = ml.MulticlassClassification.EvaluateExits(scored);
        Assert.AreEqual((int)metrics.ConfusionMatrix.Counts.Sum(r => r.Sum()), exits.Count);
        Assert.AreEqual(metrics.MicroAccuracy, exits.Accuracy, 1e-9, "ML.NET's Evaluate and EvaluateExits count the same answers");

        var predicted = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).ToList();
        var truth = ml.Data.CreateEnumerable<CsvRow>(split.TestSet, reuseRowObject: false).Select(r => r.Label).ToList();
        Assert.AreEqual(metrics.MicroAccuracy, predicted.Zip(truth).Count(p => p.First.PredictedLabel == p.Second) / (double)truth.Count, 1e-9, "PredictedLabel is back in the label's values");

        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);
        Assert.HasCount(3, folds);
        foreach (var fold in folds)
        {
            Assert.IsGreaterThan(0.85, fold.Metrics.MicroAccuracy, $"fold {fold.Fold}");
            Assert.IsInstanceOfType<ITransformer>(fold.Model);
        }

        Assert.AreEqual(360L, folds.Sum(f => (long)f.Metrics.ConfusionMatrix.Counts.Sum(r => r.Sum())), "every row is tested once");
    }

    private static void WriteCsv(string path, int rows, int seed)
    {
        int[] order = [2, 0, 3, 1];
        var random = new Random(seed);
        using var writer = new StreamWriter(path);
        writer.WriteLine("label,s0,s1,s2,s3,c0,c1,c2,c3");
        for (int i = 0; i < rows; i++)
        {
            int value = order[i % 4];
            var fields = new List<string> { value.ToString(CultureInfo.InvariantCulture) };
            for (int f = 0; f < 8; f++)
            {
                double x = (random.NextDouble() - 0.5) + (f % 4 == value ? 2.5 : 0);
                fields.Add((f < 4 ? 100 + (x * 40) : -3 + (x * 0.01)).ToString("R", CultureInfo.InvariantCulture)); // two very different scales
            }

            writer.WriteLine(string.Join(',', fields));
        }
    }

    /// <summary>A line of the CSV file.</summary>
    private sealed class CsvRow
    {
        [LoadColumn(0)]
        public float Label { get; set; }

        [LoadColumn(1, 4)]
        [VectorType(4)]
        public float[] Shape { get; set; } = [];

        [LoadColumn(5, 8)]
        [VectorType(4)]
        public float[] Colour { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float PredictedLabel { get; set; }
    }
}
