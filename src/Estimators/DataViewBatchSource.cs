using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Training;
using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Streams training batches out of a data view: one cursor per epoch (seeded and shuffled when the view can shuffle,
/// else read in order and shuffled in seeded blocks of rows), features copied straight into a reused batch array and
/// checked (length, NaN). Rows whose row id hashes below the validation fraction are held out (stable across epochs and
/// shuffles). Rows with a missing label (key 0) are skipped and counted.
/// </summary>
internal sealed class DataViewBatchSource : ITrainingBatchSource
{
    private readonly IDataView data;
    private readonly FeatureColumn features;
    private readonly LabelColumn label;
    private readonly int sampleSize;
    private readonly int seed;
    private readonly bool shuffle;
    private readonly ulong validationCut;
    private readonly bool hasValidation;

    public DataViewBatchSource(IDataView data, FeatureColumn features, LabelColumn label, IReadOnlyList<int> sampleShape, int seed, bool shuffle, float validationFraction)
    {
        this.data = data;
        this.features = features;
        this.label = label;
        SampleShape = sampleShape;
        sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        this.seed = seed;
        this.shuffle = shuffle;
        hasValidation = validationFraction > 0;
        validationCut = (ulong)(validationFraction * (double)ulong.MaxValue);
        TrainingCount = hasValidation ? null : data.GetRowCount();
    }

    public IReadOnlyList<int> SampleShape { get; }

    public long? TrainingCount { get; private set; }

    /// <summary>Rows skipped for a missing label in the last full pass over the data (training and validation rows).</summary>
    public long MissingLabels { get; private set; }

    public IEnumerable<TrainingBatch> GetTrainingBatches(int epoch, int batchSize)
    {
        Random? rand = shuffle ? new Random(unchecked((seed * 31) + epoch)) : null;
        var rows = Rows(validation: false, data.CanShuffle ? rand : null);
        return !shuffle || data.CanShuffle ? Batches(rows, batchSize) : Batches(BlockShuffle(rows, Math.Max(batchSize * 16, 2048), rand!), batchSize);
    }

    public IEnumerable<TrainingBatch> GetValidationBatches(int batchSize) => hasValidation ? Batches(Rows(validation: true, null), batchSize) : [];

    /// <summary>Reads the validation rows into memory (for threshold calibration).</summary>
    public TensorDataset ReadValidation()
    {
        var values = new List<float>();
        var labels = new List<int>();
        foreach (var (x, y) in Rows(validation: true, null))
        {
            values.AddRange(x);
            labels.Add(y);
        }

        return new TensorDataset([.. values], [.. labels], [.. SampleShape]);
    }

    private static bool IsValidation(DataViewRowId id, ulong cut, int seed)
    {
        ulong h = unchecked((id.Low * 0x9E3779B97F4A7C15UL) ^ (id.High * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)seed * 0x165667B19E3779F9UL));
        h ^= h >> 33;
        h = unchecked(h * 0xFF51AFD7ED558CCDUL);
        h ^= h >> 33;
        return h < cut;
    }

    /// <summary>The (features, class) rows of one pass; the features array is reused from row to row.</summary>
    private IEnumerable<(float[] Features, int Label)> Rows(bool validation, Random? rand)
    {
        using var cursor = data.GetRowCursor([features.Column, label.Column], rand);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features.Column);
        var readLabel = label.CreateReader(cursor);
        var getId = hasValidation ? cursor.GetIdGetter() : null;
        VBuffer<float> buffer = default;
        DataViewRowId id = default;
        var row = new float[sampleSize];
        long missing = 0, count = 0;
        while (cursor.MoveNext())
        {
            if (getId is not null)
            {
                getId(ref id);
                if (IsValidation(id, validationCut, seed) != validation)
                {
                    continue;
                }
            }

            int y = readLabel();
            if (y < 0)
            {
                missing++;
                continue;
            }

            getFeatures(ref buffer);
            features.CopyChecked(buffer, row, cursor.Position);
            count++;
            yield return (row, y);
        }

        if (!validation)
        {
            MissingLabels = missing;
            TrainingCount = count;
        }
        else
        {
            MissingLabels += missing;
        }
    }

    private IEnumerable<(float[] Features, int Label)> BlockShuffle(IEnumerable<(float[] Features, int Label)> rows, int block, Random rand)
    {
        var values = new float[block * sampleSize];
        var labels = new int[block];
        var order = new int[block];
        var row = new float[sampleSize];
        int n = 0;
        foreach (var (x, y) in rows)
        {
            x.CopyTo(values, n * sampleSize);
            labels[n++] = y;
            if (n == block)
            {
                foreach (var item in Drain(n))
                {
                    yield return item;
                }

                n = 0;
            }
        }

        foreach (var item in Drain(n))
        {
            yield return item;
        }

        IEnumerable<(float[] Features, int Label)> Drain(int count)
        {
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            rand.Shuffle(order.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                values.AsSpan(order[i] * sampleSize, sampleSize).CopyTo(row);
                yield return (row, labels[order[i]]);
            }
        }
    }

    private IEnumerable<TrainingBatch> Batches(IEnumerable<(float[] Features, int Label)> rows, int batchSize)
    {
        var x = new float[batchSize * sampleSize];
        var y = new int[batchSize];
        int n = 0;
        foreach (var (f, label) in rows)
        {
            f.CopyTo(x, n * sampleSize);
            y[n++] = label;
            if (n == batchSize)
            {
                yield return new TrainingBatch(x, y, n);
                n = 0;
            }
        }

        if (n > 0)
        {
            yield return new TrainingBatch(x, y, n);
        }
    }
}
