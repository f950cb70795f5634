using ClassyNet.MLNet.Estimators;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// Small synthetic classification data for the pipeline tests: K = 4 well-separated Gaussian classes in 16 features,
/// label values in the order 2, 0, 3, 1, so that ML.NET's MapValueToKey (ByOccurrence) makes key 1 = class 2: key k is
/// not class k - 1, and class sets must be matched through KeyValues.
/// </summary>
internal static class ClassyNetTestData
{
    public const int FeatureCount = 16;

    /// <summary>The label value of row i is Order[i % 4].</summary>
    public static readonly int[] Order = [2, 0, 3, 1];

    /// <summary>MC sets: exit 1 answers for class 3, exit 2 for class 1.</summary>
    public static readonly ExitClassSets Sets = ExitClassSets.MutuallyExclusive([[3], [1]], classCount: 4);

    public static List<Row> Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (int i = 0; i < count; i++)
        {
            int value = Order[i % 4];
            var x = new float[FeatureCount];
            for (int f = 0; f < FeatureCount; f++)
            {
                x[f] = (float)(random.NextDouble() - 0.5) + (f % 4 == value ? 2.5f : 0f);
            }

            rows.Add(new Row { Label = value, Features = x });
        }

        return rows;
    }

    public static IDataView Load(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(Rows(count, seed));

    /// <summary>The rows with Label mapped to a key by ML.NET's MapValueToKey.</summary>
    public static IDataView LoadKeyed(MLContext ml, int count, int seed)
    {
        var data = Load(ml, count, seed);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    /// <summary>Options of a small, fast ClassyNet (MLP 16-16-16, 3 exits).</summary>
    public static ClassyNetTrainer.Options Options(int epochs = 4, int seed = 2, int inferenceBatchSize = 256) => new()
    {
        Architecture = NetworkSpec.Mlp(FeatureCount, [16, 16, 16], 4),
        ExitClasses = Sets,
        CostMatrices = CostMatrices.Targeted(0.5f, 2f, 1f, 1f),
        ExitThresholds = [0.4f, 0.4f],
        Epochs = epochs,
        LearningRate = 0.01,
        Seed = seed,
        InferenceBatchSize = inferenceBatchSize,
    };

    /// <summary>A labelled row.</summary>
    public sealed class Row
    {
        public float Label { get; set; }

        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>An input row without a label (what a service predicts on).</summary>
    public sealed class FeaturesRow
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>A prediction after MapKeyToValue("PredictedLabel").</summary>
    public sealed class Prediction
    {
        public float PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public int ExitIndex { get; set; }

        public float Entropy { get; set; }
    }
}
