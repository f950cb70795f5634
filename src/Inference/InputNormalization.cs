using System.Globalization;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Inference;

/// <summary>
/// How raw sample values were turned into network inputs at training: x' = (x * <see cref="Scale"/> - mean[c]) / std[c],
/// where c is the channel (the first dimension of a sample: image channel, or feature index for a flat [F] sample).
/// Stored in a <see cref="ClassyNetModel"/> so evaluation and serving apply exactly what training applied.
/// </summary>
public sealed class InputNormalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a normalisation; <paramref name="mean"/> and <paramref name="std"/> have one entry per channel (or are both empty for scaling only).</summary>
    public InputNormalization(float scale, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (!float.IsFinite(scale) || scale == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be finite and non-zero.");
        }

        if (mean.Count != std.Count)
        {
            throw new ArgumentException($"mean has {mean.Count} entries and std {std.Count}; they need one per channel each.", nameof(std));
        }

        for (int c = 0; c < std.Count; c++)
        {
            if (!float.IsFinite(mean[c]))
            {
                throw new ArgumentOutOfRangeException(nameof(mean), mean[c], $"mean[{c}] must be finite.");
            }

            if (!float.IsFinite(std[c]) || std[c] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(std), std[c], $"std[{c}] must be finite and > 0.");
            }
        }

        Scale = scale;
        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    /// <summary>No change (scale 1, no mean/std).</summary>
    public static InputNormalization Identity { get; } = new(1f, [], []);

    /// <summary>Multiplier applied first. Default 1 (the loaders already scale pixels to [0, 1]).</summary>
    public float Scale { get; }

    /// <summary>Per-channel mean subtracted after scaling (empty: none).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviation divided by (empty: none).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>True when <see cref="Apply(TensorDataset)"/> changes nothing.</summary>
    public bool IsIdentity => Scale == 1f && _mean.Length == 0;

    /// <summary>
    /// Per-channel mean and standard deviation of <paramref name="data"/> (channel = first sample dimension); a channel
    /// with zero spread gets std 1.
    /// </summary>
    public static InputNormalization Fit(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException("data is empty; mean and std need at least one sample.", nameof(data));
        }

        int channels = data.SampleShape[0], inner = data.SampleSize / channels;
        var sum = new double[channels];
        var sumSq = new double[channels];
        for (int i = 0; i < data.Count; i++)
        {
            var sample = data.Features.AsSpan(i * data.SampleSize, data.SampleSize);
            for (int c = 0; c < channels; c++)
            {
                foreach (float v in sample.Slice(c * inner, inner))
                {
                    sum[c] += v;
                    sumSq[c] += (double)v * v;
                }
            }
        }

        double n = (double)data.Count * inner;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sum[c] / n;
            double variance = Math.Max(0, (sumSq[c] / n) - (m * m));
            mean[c] = (float)m;
            std[c] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return new InputNormalization(1f, mean, std);
    }

    /// <summary>A copy of <paramref name="data"/> with the normalisation applied (the same instance when this is the identity).</summary>
    public TensorDataset Apply(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (IsIdentity)
        {
            return data;
        }

        var features = (float[])data.Features.Clone();
        Apply(features, data.SampleShape);
        return new TensorDataset(features, data.Labels, data.SampleShape);
    }

    /// <summary>Normalises <paramref name="values"/> (whole samples of shape <paramref name="sampleShape"/>) in place.</summary>
    public void Apply(Span<float> values, IReadOnlyList<int> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        int size = sampleShape.Aggregate(1, (a, d) => a * d);
        if (size == 0 || values.Length % size != 0)
        {
            throw new ArgumentException($"values has {values.Length} floats, not a whole number of samples of shape [{string.Join(", ", sampleShape)}].", nameof(values));
        }

        int channels = sampleShape.Count == 0 ? 1 : sampleShape[0];
        if (_mean.Length != 0 && _mean.Length != channels)
        {
            throw new ArgumentException($"The normalisation has {_mean.Length} channels but samples of shape [{string.Join(", ", sampleShape)}] have {channels}.", nameof(sampleShape));
        }

        int inner = size / channels;
        for (int start = 0; start < values.Length; start += size)
        {
            var sample = values.Slice(start, size);
            for (int c = 0; c < channels; c++)
            {
                var block = sample.Slice(c * inner, inner);
                float mean = _mean.Length == 0 ? 0 : _mean[c], inv = _mean.Length == 0 ? 1 : 1f / _std[c];
                for (int i = 0; i < block.Length; i++)
                {
                    block[i] = ((block[i] * Scale) - mean) * inv;
                }
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsIdentity ? "none" :
        string.Create(CultureInfo.InvariantCulture, $"scale {Scale}, mean [{string.Join(", ", _mean.Select(m => m.ToString("G4", CultureInfo.InvariantCulture)))}], std [{string.Join(", ", _std.Select(s => s.ToString("G4", CultureInfo.InvariantCulture)))}]");
}
