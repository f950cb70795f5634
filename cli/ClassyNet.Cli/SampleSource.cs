using ClassyNet.MLNet;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.Cli;

/// <summary>
/// Labelled samples that <c>evaluate</c>, <c>report</c> and <c>calibrate</c> read in batches, so no command has to hold a
/// whole data set as floats: the image data sets stream from ML.NET data views (pixels stay bytes until a batch is read),
/// in-memory data (CSV, a held-out validation part) is served from its array. Labels are read up front (one int each).
/// </summary>
internal sealed class SampleSource
{
    private readonly Func<int, IEnumerable<TrainingBatch>> _batches;

    private SampleSource(int[] labels, IReadOnlyList<int> sampleShape, IReadOnlyList<string> classNames, Func<int, IEnumerable<TrainingBatch>> batches)
    {
        Labels = labels;
        SampleShape = sampleShape;
        SampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        ClassNames = classNames;
        _batches = batches;
    }

    /// <summary>Class of every sample, in order.</summary>
    public int[] Labels { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Shape of one sample.</summary>
    public IReadOnlyList<int> SampleShape { get; }

    /// <summary>Values per sample.</summary>
    public int SampleSize { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Samples held in memory.</summary>
    public static SampleSource FromDataset(TensorDataset data, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SampleSource(data.Labels, data.SampleShape, classNames, batchSize => InMemoryBatches(data, batchSize));
    }

    /// <summary>
    /// A data view with a Single <c>Label</c> and a known-size Vector&lt;Single&gt; <c>Features</c> column of shape
    /// <paramref name="sampleShape"/> (the shape of ClassyNet's image loaders), first <paramref name="limit"/> rows.
    /// </summary>
    public static SampleSource FromDataView(IDataView view, IReadOnlyList<int> sampleShape, IReadOnlyList<string> classNames, int? limit)
    {
        ArgumentNullException.ThrowIfNull(view);
        var labelColumn = view.Schema["Label"];
        var featureColumn = view.Schema["Features"];
        int size = sampleShape.Aggregate(1, (a, d) => a * d);
        if (featureColumn.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: var vectorSize } || vectorSize != size || labelColumn.Type != NumberDataViewType.Single)
        {
            throw new ArgumentException($"The data view needs a Single 'Label' and a Vector<Single, {size}> 'Features' column; it has {labelColumn.Type} and {featureColumn.Type}.", nameof(view));
        }

        // One pass over the label column only: the loaders widen pixels only for the columns a cursor asks for.
        var labels = new List<int>();
        using (var cursor = view.GetRowCursor([labelColumn]))
        {
            var getLabel = cursor.GetGetter<float>(labelColumn);
            float label = 0;
            while ((limit is null || labels.Count < limit) && cursor.MoveNext())
            {
                getLabel(ref label);
                labels.Add((int)label);
            }
        }

        int count = labels.Count;
        return new SampleSource([.. labels], sampleShape, classNames, batchSize => DataViewBatches(view, labelColumn, featureColumn, size, count, batchSize));
    }

    /// <summary>
    /// The samples in batches of at most <paramref name="batchSize"/>, in order, read as they are asked for. The
    /// batch arrays are reused: a consumer is done with a batch before it asks for the next.
    /// </summary>
    public IEnumerable<TrainingBatch> Batches(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return _batches(batchSize);
    }

    /// <summary>
    /// The samples at <paramref name="indices"/> (in that order, repeats allowed) as one in-memory dataset, gathered in
    /// one pass over the source.
    /// </summary>
    public TensorDataset Gather(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var wanted = new Dictionary<int, List<int>>();
        for (int i = 0; i < indices.Count; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"indices[{i}] = {indices[i]} is outside [0, {Count}).");
            }

            if (!wanted.TryGetValue(indices[i], out var slots))
            {
                wanted[indices[i]] = slots = [];
            }

            slots.Add(i);
        }

        var features = new float[indices.Count * SampleSize];
        var labels = new int[indices.Count];
        int row = 0;
        foreach (var batch in Batches(256))
        {
            for (int i = 0; i < batch.Count; i++, row++)
            {
                if (wanted.TryGetValue(row, out var slots))
                {
                    foreach (int slot in slots)
                    {
                        batch.Features.AsSpan(i * SampleSize, SampleSize).CopyTo(features.AsSpan(slot * SampleSize));
                        labels[slot] = batch.Labels[i];
                    }
                }
            }
        }

        return new TensorDataset(features, labels, [.. SampleShape]);
    }

    /// <summary>Every sample as one in-memory dataset (for commands that need random access, e.g. calibration).</summary>
    public TensorDataset ToDataset() => Gather(Enumerable.Range(0, Count).ToArray());

    private static IEnumerable<TrainingBatch> InMemoryBatches(TensorDataset data, int batchSize)
    {
        int size = data.SampleSize;
        var features = new float[Math.Min(batchSize, Math.Max(data.Count, 1)) * size];
        var labels = new int[Math.Min(batchSize, Math.Max(data.Count, 1))];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            data.Features.AsSpan(start * size, count * size).CopyTo(features);
            data.Labels.AsSpan(start, count).CopyTo(labels);
            yield return new TrainingBatch(features, labels, count);
        }
    }

    private static IEnumerable<TrainingBatch> DataViewBatches(IDataView view, DataViewSchema.Column labelColumn, DataViewSchema.Column featureColumn, int size, int count, int batchSize)
    {
        using var cursor = view.GetRowCursor([labelColumn, featureColumn]);
        var getLabel = cursor.GetGetter<float>(labelColumn);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var features = new float[Math.Min(batchSize, Math.Max(count, 1)) * size];
        var labels = new int[Math.Min(batchSize, Math.Max(count, 1))];
        VBuffer<float> buffer = default;
        float label = 0;
        int n = 0, read = 0;
        while (read < count && cursor.MoveNext())
        {
            getLabel(ref label);
            getFeatures(ref buffer);
            buffer.CopyTo(features.AsSpan(n * size, size));
            labels[n++] = (int)label;
            read++;
            if (n == labels.Length)
            {
                yield return new TrainingBatch(features, labels, n);
                n = 0;
            }
        }

        if (n > 0)
        {
            yield return new TrainingBatch(features, labels, n);
        }
    }
}
