using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>
/// Small synthetic classification data for the ClassyNet pipeline tests: K = 4 well-separated Gaussian classes in 16
/// features. The label is a key whose KeyValues are in a shuffled (ByOccurrence-like) order [2, 0, 3, 1], so key k is
/// not class k - 1.
/// </summary>
internal static class ClassyNetTestData
{
    public const int Features = 16;

    public static readonly float[] KeyValues = [2f, 0f, 3f, 1f];

    public static DataViewSchema Schema()
    {
        var annotations = new DataViewSchema.Annotations.Builder();
        annotations.AddKeyValues(4, NumberDataViewType.Single, (ref VBuffer<float> v) => v = new VBuffer<float>(4, [.. KeyValues]));
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 4), annotations.ToAnnotations());
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, Features));
        return builder.ToSchema();
    }

    /// <summary><paramref name="count"/> rows; every <paramref name="missingEvery"/>-th row (when positive) has the missing key 0.</summary>
    public static List<KeyRow> Rows(int count, int seed, int missingEvery = 0)
    {
        var random = new Random(seed);
        var rows = new List<KeyRow>();
        for (int i = 0; i < count; i++)
        {
            int value = i % 4;
            uint key = (uint)Array.IndexOf(KeyValues, value) + 1;
            var x = new float[Features];
            for (int f = 0; f < Features; f++)
            {
                x[f] = (float)(random.NextDouble() - 0.5) + (f % 4 == value ? 2.5f : 0f);
            }

            rows.Add(new KeyRow { Label = missingEvery > 0 && i % missingEvery == missingEvery - 1 ? 0 : key, Features = x });
        }

        return rows;
    }

    public static IDataView Load(MLContext ml, int count, int seed, int missingEvery = 0) =>
        ml.Data.LoadFromEnumerable(Rows(count, seed, missingEvery), Schema());

    /// <summary>A row with a key label (the value is <see cref="KeyValues"/>[Label - 1]).</summary>
    internal sealed class KeyRow
    {
        public uint Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    /// <summary>A row with a plain numeric label.</summary>
    internal sealed class NumberRow
    {
        public float Label { get; set; }

        [VectorType(ClassyNetTestData.Features)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>A prediction read back with CreateEnumerable.</summary>
    internal sealed class Prediction
    {
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];

        public int ExitIndex { get; set; }

        public float Entropy { get; set; }
    }
}
