using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Learns an affine normalization per slot in one pass over at most <c>maximumExampleCount</c> rows
/// (<c>ml.Transforms.NormalizeMinMax</c>, <c>ml.Transforms.NormalizeMeanVariance</c>), with ML.NET's rules:
/// <list type="bullet">
/// <item>Min-max: with <c>fixZero</c>, x / max(|min|, |max|) (0 stays 0, values land in [-1, 1]); without,
/// (x - min) / (max - min) in [0, 1].</item>
/// <item>Mean-variance: with <c>fixZero</c>, x / sqrt(E[x^2]) (population moments); without, (x - mean) / stddev
/// (sample standard deviation).</item>
/// </list>
/// A constant slot gets scale 0 (it maps to 0). NaN and infinite values are left out of the statistics.
/// </summary>
public sealed class NormalizingEstimator : IEstimator<NormalizingTransformer>
{
    private readonly (string outputColumnName, string inputColumnName)[] columns;
    private readonly NormalizationMode mode;
    private readonly long maximumExampleCount;
    private readonly bool fixZero;

    internal NormalizingEstimator((string outputColumnName, string inputColumnName)[] columns, NormalizationMode mode, long maximumExampleCount, bool fixZero)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumExampleCount, 2);
        this.columns = columns;
        this.mode = mode;
        this.maximumExampleCount = maximumExampleCount;
        this.fixZero = fixZero;
    }

    /// <summary>The statistics a normalizer learns.</summary>
    public enum NormalizationMode
    {
        /// <summary>Minimum and maximum.</summary>
        MinMax,

        /// <summary>Mean and variance.</summary>
        MeanVariance,
    }

    /// <inheritdoc/>
    public NormalizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var inputColumns = columns.Select(c => input.Schema[c.inputColumnName]).ToArray();
        var stats = inputColumns.Select(c => new SlotStatistics(c.Type is VectorDataViewType v ? v.Size : 1)).ToArray();
        using (var cursor = input.GetRowCursor(inputColumns.DistinctBy(c => c.Index).ToArray()))
        {
            var readers = inputColumns.Select((c, i) => MakeReader(cursor, c, stats[i])).ToArray();
            for (long row = 0; row < maximumExampleCount && cursor.MoveNext(); row++)
            {
                foreach (var read in readers)
                {
                    read();
                }
            }
        }

        var scales = new float[stats.Length][];
        var offsets = new float[stats.Length][];
        for (int i = 0; i < stats.Length; i++)
        {
            (scales[i], offsets[i]) = mode == NormalizationMode.MinMax ? stats[i].MinMax(fixZero) : stats[i].MeanVariance(fixZero);
        }

        return new NormalizingTransformer(columns, scales, offsets);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var result = inputSchema.ToList();
        foreach (var (output, inputName) in columns)
        {
            var input = ColumnRequirement.ScalarOrVector(inputName, NumberDataViewType.Single).Bind(inputSchema);
            var annotations = new List<SchemaShape.Column>();
            if (input.Annotations.TryFindColumn(AnnotationKinds.SlotNames, out var slotNames))
            {
                annotations.Add(slotNames);
            }

            annotations.Add(new SchemaShape.Column(AnnotationKinds.IsNormalized, SchemaShape.VectorKind.Scalar, BooleanDataViewType.Instance, false));
            result.Add(new SchemaShape.Column(output, input.Kind, input.ItemType, false, new SchemaShape(annotations)));
        }

        return new SchemaShape(result);
    }

    private static Action MakeReader(DataViewRow row, DataViewSchema.Column column, SlotStatistics stats)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            var dense = new float[stats.Size];
            return () =>
            {
                getter(ref buffer);
                if (buffer.Length != stats.Size)
                {
                    throw new InvalidOperationException($"Column '{column.Name}' holds a vector of {buffer.Length} values; its type {column.Type} says {stats.Size}.");
                }

                buffer.CopyTo(dense);
                stats.Add(dense);
            };
        }

        var scalar = row.GetGetter<float>(column);
        var one = new float[1];
        return () =>
        {
            scalar(ref one[0]);
            stats.Add(one);
        };
    }

    /// <summary>Per-slot running min, max, count, mean and sum of squared deviations (Welford).</summary>
    private sealed class SlotStatistics(int size)
    {
        private readonly float[] min = [.. Enumerable.Repeat(float.PositiveInfinity, size)];
        private readonly float[] max = [.. Enumerable.Repeat(float.NegativeInfinity, size)];
        private readonly long[] count = new long[size];
        private readonly double[] mean = new double[size];
        private readonly double[] m2 = new double[size];

        public int Size => size;

        public void Add(ReadOnlySpan<float> values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                float v = values[i];
                if (!float.IsFinite(v))
                {
                    continue;
                }

                min[i] = Math.Min(min[i], v);
                max[i] = Math.Max(max[i], v);
                long n = ++count[i];
                double delta = v - mean[i];
                mean[i] += delta / n;
                m2[i] += delta * (v - mean[i]);
            }
        }

        public (float[] Scale, float[] Offset) MinMax(bool fixZero)
        {
            var scale = new float[size];
            var offset = new float[size];
            for (int i = 0; i < size; i++)
            {
                if (!(max[i] > min[i]))
                {
                    continue;
                }

                if (fixZero)
                {
                    scale[i] = 1 / Math.Max(Math.Abs(max[i]), Math.Abs(min[i]));
                }
                else
                {
                    scale[i] = 1 / (max[i] - min[i]);
                    offset[i] = scale[i] == 0 ? 0 : min[i];
                }
            }

            return (scale, offset);
        }

        public (float[] Scale, float[] Offset) MeanVariance(bool fixZero)
        {
            var scale = new float[size];
            var offset = new float[size];
            for (int i = 0; i < size; i++)
            {
                if (m2[i] == 0 || count[i] < 2)
                {
                    continue;
                }

                if (fixZero)
                {
                    scale[i] = (float)(1 / Math.Sqrt((m2[i] / count[i]) + (mean[i] * mean[i])));
                }
                else
                {
                    scale[i] = (float)(1 / Math.Sqrt(m2[i] / (count[i] - 1)));
                    offset[i] = scale[i] == 0 ? 0 : (float)mean[i];
                }
            }

            return (scale, offset);
        }
    }
}
