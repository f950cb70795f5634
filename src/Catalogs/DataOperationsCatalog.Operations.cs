using System.Globalization;
using System.Numerics;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet;

/// <content>Splitting, shuffling, skipping, taking and filtering rows.</content>
public sealed partial class DataOperationsCatalog
{
    /// <summary>
    /// Splits rows into a train and a test set, each row going to the test set with probability
    /// <paramref name="testFraction"/>. The assignment hashes the row id (or, with <paramref name="samplingKeyColumnName"/>,
    /// the value of that column, so rows sharing a value stay together) with <paramref name="seed"/> (default: the next
    /// seed of the context), so it is repeatable and needs no pass over the data. Both sets stream from the input.
    /// </summary>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        }

        int s = seed ?? Context.NextSeed();
        DataViewSchema.Column? key = null;
        if (samplingKeyColumnName is not null)
        {
            var column = data.Schema.GetColumnOrNull(samplingKeyColumnName)
                ?? throw new ArgumentOutOfRangeException(nameof(samplingKeyColumnName), $"Sampling key column '{samplingKeyColumnName}' not found; the data has {data.Schema.Describe()}.");
            if (column.Type is not PrimitiveDataViewType)
            {
                throw new ArgumentOutOfRangeException(nameof(samplingKeyColumnName), $"Sampling key column '{samplingKeyColumnName}' has type {column.Type}; it must be a scalar.");
            }

            key = column;
        }

        ulong threshold = (ulong)(testFraction * ulong.MaxValue);
        Func<DataViewRow, Func<bool>> Split(bool test) => row =>
        {
            var hash = MakeHasher(row, key, s);
            return () => (hash() < threshold) == test;
        };
        var columns = key is { } k ? new[] { k } : [];
        return new TrainTestData(new FilterView(data, columns, Split(false)), new FilterView(data, columns, Split(true)));
    }

    /// <summary>
    /// Rows in a random order: the source's own shuffling when it can (and <paramref name="shuffleSource"/>), mixed
    /// through a pool of <paramref name="shufflePoolSize"/> buffered rows. Each read of the result gives the same order
    /// for a given <paramref name="seed"/> (default: the next seed of the context).
    /// </summary>
    public IDataView ShuffleRows(IDataView input, int? seed = null, int shufflePoolSize = 1000, bool shuffleSource = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(shufflePoolSize);
        return new ShuffledView(input, seed ?? Context.NextSeed(), shufflePoolSize, shuffleSource);
    }

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public IDataView TakeRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new SkipTakeView(input, 0, count);
    }

    /// <summary>All rows but the first <paramref name="count"/>.</summary>
    public IDataView SkipRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new SkipTakeView(input, count, long.MaxValue);
    }

    /// <summary>
    /// The rows whose numeric (or key) column <paramref name="columnName"/> lies in [<paramref name="lowerBound"/>,
    /// <paramref name="upperBound"/>); NaN values are dropped.
    /// </summary>
    public IDataView FilterRowsByColumn(IDataView input, string columnName, double lowerBound = double.NegativeInfinity, double upperBound = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(columnName);
        if (!(lowerBound < upperBound))
        {
            throw new ArgumentOutOfRangeException(nameof(upperBound), upperBound, $"upperBound must be greater than lowerBound ({lowerBound}).");
        }

        var column = input.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' not found; the data has {input.Schema.Describe()}.");
        if (column.Type is not (NumberDataViewType or KeyDataViewType))
        {
            throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' has type {column.Type}; filtering needs a numeric or key scalar.");
        }

        return new FilterView(input, [column], row =>
        {
            var read = NumericReader(row, column);
            return () =>
            {
                double v = read();
                return v >= lowerBound && v < upperBound;
            };
        });
    }

    private static Func<double> NumericReader(DataViewRow row, DataViewSchema.Column column)
    {
        var method = typeof(DataOperationsCatalog).GetMethod(nameof(NumericReaderOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(column.Type.RawType);
        return (Func<double>)method.Invoke(null, [row, column])!;
    }

    private static Func<double> NumericReaderOf<T>(DataViewRow row, DataViewSchema.Column column)
        where T : INumberBase<T>
    {
        var getter = row.GetGetter<T>(column);
        T value = T.Zero;
        return () =>
        {
            getter(ref value);
            return double.CreateTruncating(value);
        };
    }

    private static Func<ulong> MakeHasher(DataViewRow row, DataViewSchema.Column? key, int seed)
    {
        ulong salt = Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL);
        if (key is not { } column)
        {
            var ids = row.GetIdGetter();
            DataViewRowId id = default;
            return () =>
            {
                ids(ref id);
                return Mix(Mix(id.Low ^ salt) ^ id.High);
            };
        }

        var method = typeof(DataOperationsCatalog).GetMethod(nameof(ValueText), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(column.Type.RawType);
        var text = (Func<string>)method.Invoke(null, [row, column])!;
        return () =>
        {
            ulong h = salt;
            foreach (char c in text())
            {
                h = Mix(h ^ c);
            }

            return h;
        };
    }

    private static Func<string> ValueText<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? string.Empty;
        };
    }

    /// <summary>SplitMix64's finaliser: a stable, well-mixed 64-bit hash step.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The two parts of a <see cref="TrainTestSplit"/>.</summary>
    public sealed class TrainTestData
    {
        internal TrainTestData(IDataView trainSet, IDataView testSet)
        {
            TrainSet = trainSet;
            TestSet = testSet;
        }

        /// <summary>The training rows.</summary>
        public IDataView TrainSet { get; }

        /// <summary>The test rows.</summary>
        public IDataView TestSet { get; }
    }
}
