using ClassyNet.MLNet.Estimators;

namespace ClassyNet.MLNet;

/// <summary><c>ml.Transforms.Normalize*</c>: per-slot affine normalizers for Single scalars and vectors (images).</summary>
public static class NormalizationCatalog
{
    /// <summary>Scales by the observed range: x / max(|min|, |max|) with <paramref name="fixZero"/>, else (x - min) / (max - min).</summary>
    public static NormalizingEstimator NormalizeMinMax(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, long maximumExampleCount = 1000000000, bool fixZero = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new NormalizingEstimator([(outputColumnName, inputColumnName ?? outputColumnName)], NormalizingEstimator.NormalizationMode.MinMax, maximumExampleCount, fixZero);
    }

    /// <summary>As <see cref="NormalizeMinMax(TransformsCatalog, string, string?, long, bool)"/> for several columns.</summary>
    public static NormalizingEstimator NormalizeMinMax(this TransformsCatalog catalog, InputOutputColumnPair[] columns, long maximumExampleCount = 1000000000, bool fixZero = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NormalizingEstimator(InputOutputColumnPair.ToTuples(columns), NormalizingEstimator.NormalizationMode.MinMax, maximumExampleCount, fixZero);
    }

    /// <summary>Standardizes: x / sqrt(E[x^2]) with <paramref name="fixZero"/>, else (x - mean) / stddev.</summary>
    public static NormalizingEstimator NormalizeMeanVariance(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, long maximumExampleCount = 1000000000, bool fixZero = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new NormalizingEstimator([(outputColumnName, inputColumnName ?? outputColumnName)], NormalizingEstimator.NormalizationMode.MeanVariance, maximumExampleCount, fixZero);
    }

    /// <summary>As <see cref="NormalizeMeanVariance(TransformsCatalog, string, string?, long, bool)"/> for several columns.</summary>
    public static NormalizingEstimator NormalizeMeanVariance(this TransformsCatalog catalog, InputOutputColumnPair[] columns, long maximumExampleCount = 1000000000, bool fixZero = true)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new NormalizingEstimator(InputOutputColumnPair.ToTuples(columns), NormalizingEstimator.NormalizationMode.MeanVariance, maximumExampleCount, fixZero);
    }
}
