namespace ClassyNet.MLNet.Data;

/// <summary>
/// Labelled samples held in memory as one float array (PyTorch's <c>TensorDataset</c>): sample i occupies
/// features[i * SampleSize .. (i + 1) * SampleSize) and has class label labels[i].
/// </summary>
public sealed class TensorDataset
{
    /// <summary>Creates the dataset; <paramref name="sampleShape"/> is the shape of one sample, e.g. [1, 28, 28] or [2].</summary>
    public TensorDataset(float[] features, int[] labels, params int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length == 0 || sampleShape.Any(d => d < 1))
        {
            throw new ArgumentException($"sampleShape [{string.Join(", ", sampleShape)}] must have at least one dimension, each >= 1.", nameof(sampleShape));
        }

        SampleSize = sampleShape.Aggregate(1, (a, b) => checked(a * b));
        if (features.Length != (long)labels.Length * SampleSize)
        {
            throw new ArgumentException($"features has {features.Length} values but {labels.Length} samples of shape [{string.Join(", ", sampleShape)}] need {(long)labels.Length * SampleSize}.", nameof(features));
        }

        for (int i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"features contains {features[i]} at sample {i / SampleSize}, element {i % SampleSize}; inputs must be finite.", nameof(features));
            }
        }

        Features = features;
        Labels = labels;
        SampleShape = sampleShape.ToArray();
    }

    /// <summary>All samples, row-major.</summary>
    public float[] Features { get; }

    /// <summary>Class label per sample.</summary>
    public int[] Labels { get; }

    /// <summary>Shape of one sample.</summary>
    public int[] SampleShape { get; }

    /// <summary>Values per sample.</summary>
    public int SampleSize { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>The samples at <paramref name="indices"/> as a new dataset (no validation repeated).</summary>
    public TensorDataset Subset(ReadOnlySpan<int> indices)
    {
        var features = new float[indices.Length * SampleSize];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Features.AsSpan(indices[i] * SampleSize, SampleSize).CopyTo(features.AsSpan(i * SampleSize));
            labels[i] = Labels[indices[i]];
        }

        return new TensorDataset(features, labels, SampleShape);
    }

    /// <summary>Checks every label is in [0, <paramref name="classCount"/>); names the first bad sample.</summary>
    public void CheckLabels(int classCount, string argument)
    {
        for (int i = 0; i < Labels.Length; i++)
        {
            if ((uint)Labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(argument, Labels[i], $"Label of sample {i} is {Labels[i]}, outside [0, {classCount}).");
            }
        }
    }
}
