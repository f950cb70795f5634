using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// A class label column bound to a schema, as the ClassyNet components read it: a key (class index = key - 1, the class
/// values from its KeyValues, 0 = missing) or a numeric class index (Single, Double, Int32, Int64 or UInt32; NaN =
/// missing). Exit class sets are given in the user's label values and mapped to class indices through
/// <see cref="Values"/>: with ML.NET's default ByOccurrence key order, key k is not class k - 1.
/// </summary>
internal sealed class LabelColumn
{
    /// <summary>What a label column must be, in words.</summary>
    public const string Expected = "Key<UInt32> or a Single, Double, Int32, Int64 or UInt32 class index";

    private static readonly PrimitiveDataViewType[] NumericTypes =
        [NumberDataViewType.Single, NumberDataViewType.Double, NumberDataViewType.Int32, NumberDataViewType.Int64, NumberDataViewType.UInt32];

    private LabelColumn(DataViewSchema.Column column, ClassValues values, bool hasKeyValues)
    {
        Column = column;
        Values = values;
        HasKeyValues = hasKeyValues;
    }

    /// <summary>The column.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>Number of classes K.</summary>
    public int ClassCount => Values.Count;

    /// <summary>The user's value of each class index.</summary>
    public ClassValues Values { get; }

    /// <summary>True when the column is a key with KeyValues (class sets are then matched by value).</summary>
    public bool HasKeyValues { get; }

    /// <summary>The requirement on a label column named <paramref name="name"/>.</summary>
    public static ColumnRequirement Requirement(string name) => ColumnRequirement.Custom(
        name,
        Expected,
        t => t is KeyDataViewType || NumericTypes.Any(n => n.Equals(t)),
        s => s.Kind == SchemaShape.VectorKind.Scalar && (s.IsKey || NumericTypes.Any(n => n.Equals(s.ItemType))));

    /// <summary>
    /// Binds the label column <paramref name="name"/> of <paramref name="schema"/>. A key gives K = its count; a numeric
    /// label needs <paramref name="classCount"/> (from the exit class sets or the options).
    /// </summary>
    public static LabelColumn Bind(DataViewSchema schema, string name, int? classCount)
    {
        var column = Requirement(name).Bind(schema);
        if (column.Type is KeyDataViewType key)
        {
            if (key.Count > 100_000)
            {
                throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{name}' is a key over {key.Count} values; ClassyNet supports at most 100000 classes.");
            }

            var values = ClassValues.FromKeyValues(column);
            return new LabelColumn(column, values ?? ClassValues.Indices((int)key.Count, NumberDataViewType.UInt32), values is not null);
        }

        if (classCount is not int k || k < 2)
        {
            throw new ArgumentException($"Label column '{name}' is a {column.Type} class index, so the class count must be given (ExitClasses or ClassCount); or map it to a key first with MapValueToKey.", nameof(classCount));
        }

        return new LabelColumn(column, ClassValues.Indices(k, (PrimitiveDataViewType)column.Type), hasKeyValues: false);
    }

    /// <summary>
    /// Moves <paramref name="sets"/> (classes given as the user's label values) to class indices of this column; throws
    /// naming the column when a class is not one of its values or the class counts differ.
    /// </summary>
    public ExitClassSets MapSets(ExitClassSets sets, string argument)
    {
        if (sets.ClassCount != ClassCount)
        {
            throw new ArgumentException($"{argument} has {sets.ClassCount} classes but label column '{Column.Name}' ({Column.Type}) has {ClassCount}.", argument);
        }

        if (!HasKeyValues)
        {
            return sets;
        }

        var map = new int[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            map[c] = Values.IndexOf(c);
            if (map[c] < 0)
            {
                throw new ArgumentException($"{argument} uses class {c}, which is not a value of label column '{Column.Name}' (its KeyValues are {string.Join(", ", Values.Values.Take(20))}{(ClassCount > 20 ? ", ..." : string.Empty)}).", argument);
            }
        }

        return map.Select((v, i) => v == i).All(b => b) ? sets : sets.MapClasses(c => map[c]);
    }

    /// <summary>
    /// A reader of the current row's class index: -1 for a missing label (key 0, NaN); a value outside the classes
    /// throws naming the column and the row.
    /// </summary>
    public Func<int> CreateReader(DataViewRow row)
    {
        int k = ClassCount;
        string name = Column.Name;
        switch (Column.Type)
        {
            case KeyDataViewType:
            {
                var getter = row.GetGetter<uint>(Column);
                uint value = 0;
                return () =>
                {
                    getter(ref value);
                    return value == 0 ? -1 : value <= k ? (int)value - 1 : throw OutOfRange(name, value.ToString(CultureInfo.InvariantCulture), RowOf(row), k);
                };
            }

            case var t when t.RawType == typeof(float):
                return NumericReader<float>(row, name, k, float.IsNaN, v => v);
            case var t when t.RawType == typeof(double):
                return NumericReader<double>(row, name, k, double.IsNaN, v => v);
            case var t when t.RawType == typeof(int):
                return NumericReader<int>(row, name, k, _ => false, v => v);
            case var t when t.RawType == typeof(long):
                return NumericReader<long>(row, name, k, _ => false, v => v);
            default:
                return NumericReader<uint>(row, name, k, _ => false, v => v);
        }
    }

    /// <summary>A reader of a numeric label column holding the class index itself (-1 where <paramref name="isMissing"/>).</summary>
    private Func<int> NumericReader<T>(DataViewRow row, string name, int k, Func<T, bool> isMissing, Func<T, double> toDouble)
    {
        var getter = row.GetGetter<T>(Column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return isMissing(value) ? -1 : Check(toDouble(value), name, row, k);
        };
    }

    /// <summary>The row's id (its index in the source for the library's loaders), which a shuffled cursor keeps; else its position.</summary>
    private static string RowOf(DataViewRow row)
    {
        try
        {
            DataViewRowId id = default;
            row.GetIdGetter()(ref id);
            return id.ToString();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            return row.Position.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static int Check(double value, string name, DataViewRow row, int k) =>
        value >= 0 && value < k && value == Math.Floor(value) ? (int)value : throw OutOfRange(name, value.ToString("R", CultureInfo.InvariantCulture), RowOf(row), k);

    private static ArgumentOutOfRangeException OutOfRange(string name, string value, string row, int k) =>
        new("data", $"Label column '{name}' holds {value} in row {row}; class labels must be whole numbers in [0, {k}) (keys in [1, {k}], 0 = missing).");
}
