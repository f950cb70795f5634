using System.Globalization;
using ClassyNet.MLNet.Losses;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// A class label column bound to a schema, as the ClassyNet components read it: a key (class index = key - 1, 0 =
/// missing) whose KeyValues give the user's value of each class. Exit class sets are given in those values and mapped to
/// class indices through <see cref="Values"/>: with ML.NET's default ByOccurrence key order, key k is not class k - 1.
/// </summary>
internal sealed class LabelColumn
{
    /// <summary>What a label column must be, in words.</summary>
    public const string Expected = "Key<UInt32>";

    /// <summary>The most classes a label may have.</summary>
    public const int MaxClasses = 100_000;

    private LabelColumn(DataViewSchema.Column column, ClassValues values, bool hasKeyValues)
    {
        Column = column;
        Values = values;
        HasKeyValues = hasKeyValues;
    }

    /// <summary>The column.</summary>
    public DataViewSchema.Column Column { get; }

    /// <summary>Number of classes K (the key count).</summary>
    public int ClassCount => Values.Count;

    /// <summary>The user's value of each class index.</summary>
    public ClassValues Values { get; }

    /// <summary>True when the key has KeyValues (class sets are then matched by value).</summary>
    public bool HasKeyValues { get; }

    /// <summary>Binds label column <paramref name="name"/> of <paramref name="schema"/>; throws naming it when it is missing or not a key.</summary>
    public static LabelColumn Bind(DataViewSchema schema, string name, string argument)
    {
        var column = schema.GetColumnOrNull(name) ?? throw SchemaErrors.Missing(argument, "label", name, SchemaErrors.Names(schema), Expected);
        if (column.Type is not KeyDataViewType { RawType: var raw } key || raw != typeof(uint))
        {
            throw SchemaErrors.Mismatch(argument, "label", name, Expected, column.Type.ToString()!, Hint(name));
        }

        if (key.Count == 1)
        {
            throw SchemaErrors.Mismatch(argument, "label", name, $"a key over 2 to {MaxClasses} classes", column.Type.ToString()!, "The label has a single class; a classifier needs at least two (an image folder needs a sub-folder per class).");
        }

        if (key.Count < 2 || key.Count > MaxClasses)
        {
            throw SchemaErrors.Mismatch(argument, "label", name, $"a key over 2 to {MaxClasses} classes", column.Type.ToString()!);
        }

        var values = ClassValues.FromKeyValues(column);
        return new LabelColumn(column, values ?? ClassValues.Indices((int)key.Count), values is not null);
    }

    /// <summary>
    /// Checks label column <paramref name="name"/> of <paramref name="shape"/> and returns the item type of its KeyValues
    /// (UInt32 when it has none).
    /// </summary>
    public static PrimitiveDataViewType CheckShape(SchemaShape shape, string name, string argument)
    {
        var column = shape.FirstOrDefault(c => c.Name == name);
        if (column.Name is null)
        {
            throw SchemaErrors.Missing(argument, "label", name, SchemaErrors.Names(shape), Expected);
        }

        if (!column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType.RawType != typeof(uint))
        {
            throw SchemaErrors.Mismatch(argument, "label", name, Expected, SchemaErrors.Describe(column), Hint(name));
        }

        var keyValues = column.Annotations.FirstOrDefault(a => a.Name == AnnotationKinds.KeyValues);
        return keyValues.Name is not null && ClassValues.IsSupported(keyValues.ItemType) ? (PrimitiveDataViewType)keyValues.ItemType : NumberDataViewType.UInt32;
    }

    /// <summary>
    /// Moves <paramref name="sets"/> (classes given as the user's label values, or by name) to class indices of this
    /// column; throws naming the column when a class is not one of its values or the class counts differ. Named sets are
    /// matched to the KeyValues by name, so their name list may hold names the label lacks as long as no set uses them
    /// (an empty class folder, say).
    /// </summary>
    public ExitClassSets MapSets(ExitClassSets sets, string argument)
    {
        if (sets.ClassNames is { } names)
        {
            return MapNamedSets(sets, names, argument);
        }

        if (sets.ClassCount != ClassCount)
        {
            throw new ArgumentOutOfRangeException(argument, $"{argument} has {sets.ClassCount} classes but label column '{Column.Name}' ({Column.Type}) has {ClassCount}; the class sets must cover the label's key count.");
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
                throw new ArgumentOutOfRangeException(argument, $"{argument} uses class {c}, which is not a value of label column '{Column.Name}' (its KeyValues are {string.Join(", ", Values.Values.Take(20))}{(ClassCount > 20 ? ", ..." : string.Empty)}).");
            }
        }

        return map.Select((v, i) => v == i).All(b => b) ? sets : sets.MapClasses(c => map[c]);
    }

    /// <summary>
    /// A reader of the current row's class index: -1 for a missing label (key 0); a key above the count throws naming the
    /// column and the row.
    /// </summary>
    public Func<int> CreateReader(DataViewRow row)
    {
        int k = ClassCount;
        string name = Column.Name;
        var getter = row.GetGetter<uint>(Column);
        uint value = 0;
        return () =>
        {
            getter(ref value);
            return value == 0 ? -1 : value <= k ? (int)value - 1
                : throw new ArgumentOutOfRangeException("data", $"Label column '{name}' holds key {value.ToString(CultureInfo.InvariantCulture)} in row {row.Position.ToString(CultureInfo.InvariantCulture)}; a key over {k} classes is 1..{k} (0 = missing).");
        };
    }

    private ExitClassSets MapNamedSets(ExitClassSets sets, IReadOnlyList<string> names, string argument)
    {
        if (!HasKeyValues)
        {
            throw new ArgumentOutOfRangeException(argument, $"{argument} names its classes ({sets}) but label column '{Column.Name}' ({Column.Type}) has no KeyValues to match them to; map a text label with MapValueToKey(\"{Column.Name}\").");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < ClassCount; k++)
        {
            index.TryAdd(Values.Values[k], k);
        }

        var early = new IReadOnlyList<int>[sets.ExitCount - 1];
        for (int m = 0; m < early.Length; m++)
        {
            early[m] = sets.ClassesAt(m).Select(c => index.TryGetValue(names[c], out int k) ? k
                : throw new ArgumentOutOfRangeException(argument, $"{argument} uses class '{names[c]}' at exit {m + 1}, which is not a value of label column '{Column.Name}' (its KeyValues are {string.Join(", ", Values.Values.Take(20).Select(v => $"'{v}'"))}{(ClassCount > 20 ? ", ..." : string.Empty)}).")).ToArray();
        }

        return ExitClassSets.FromParts(sets.Scheme, ClassCount, sets.BagOfClasses, early);
    }

    private static string Hint(string name) => $"Map the label to a key first: mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").";
}
