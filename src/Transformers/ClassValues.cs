using System.Globalization;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The user's value of each class index 0..K-1 (the KeyValues of a key label, or 0..K-1 for a numeric label), kept as
/// invariant text plus the item type, so that a fitted transformer can save it and put the same KeyValues annotation
/// (and SlotNames) on its outputs without seeing the training schema again.
/// </summary>
internal sealed record ClassValues(string ItemType, string[] Values)
{
    private static readonly Dictionary<string, PrimitiveDataViewType> Types = new(StringComparer.Ordinal)
    {
        ["Text"] = TextDataViewType.Instance,
        ["Boolean"] = BooleanDataViewType.Instance,
        ["SByte"] = NumberDataViewType.SByte,
        ["Byte"] = NumberDataViewType.Byte,
        ["Int16"] = NumberDataViewType.Int16,
        ["UInt16"] = NumberDataViewType.UInt16,
        ["Int32"] = NumberDataViewType.Int32,
        ["UInt32"] = NumberDataViewType.UInt32,
        ["Int64"] = NumberDataViewType.Int64,
        ["UInt64"] = NumberDataViewType.UInt64,
        ["Single"] = NumberDataViewType.Single,
        ["Double"] = NumberDataViewType.Double,
    };

    /// <summary>Number of classes K.</summary>
    public int Count => Values.Length;

    /// <summary>Class indices 0..K-1 written as values of <paramref name="type"/> (a numeric label holds the class index itself).</summary>
    public static ClassValues Indices(int count, PrimitiveDataViewType type) =>
        new(NameOf(type), [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>The KeyValues of key column <paramref name="column"/>, or null when it has none (or of an unsupported type).</summary>
    public static ClassValues? FromKeyValues(DataViewSchema.Column column)
    {
        if (!column.HasKeyValues())
        {
            return null;
        }

        var type = (VectorDataViewType)column.Annotations.Schema[AnnotationKinds.KeyValues].Type;
        string? name = Types.FirstOrDefault(t => t.Value.Equals(type.ItemType)).Key;
        if (name is null)
        {
            return null;
        }

        var method = typeof(ClassValues).GetMethod(nameof(ReadKeyValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type.ItemType.RawType);
        return new ClassValues(name, (string[])method.Invoke(null, [column])!);
    }

    /// <summary>
    /// The class index of user class <paramref name="userClass"/> (an exit-set entry): the index whose value equals it
    /// (numerically, or as text), or -1.
    /// </summary>
    public int IndexOf(int userClass)
    {
        string text = userClass.ToString(CultureInfo.InvariantCulture);
        for (int i = 0; i < Values.Length; i++)
        {
            if (Values[i] == text || (ItemType is not "Text" and not "Boolean" && double.TryParse(Values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v == userClass))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds KeyValues (these values, their own type) to <paramref name="builder"/>.</summary>
    public void AddKeyValues(DataViewSchema.Annotations.Builder builder)
    {
        var type = Types.TryGetValue(ItemType, out var t) ? t : throw new InvalidDataException($"Unknown class value type '{ItemType}'.");
        var method = typeof(ClassValues).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(type.RawType);
        method.Invoke(this, [builder, type]);
    }

    /// <summary>Adds SlotNames (the values as text) to <paramref name="builder"/>.</summary>
    public void AddSlotNames(DataViewSchema.Annotations.Builder builder)
    {
        var names = new VBuffer<ReadOnlyMemory<char>>(Count, [.. Values.Select(v => v.AsMemory())]);
        builder.AddSlotNames(Count, ValueCopier<VBuffer<ReadOnlyMemory<char>>>.Constant(names));
    }

    /// <summary>A KeyValues annotation of these values (for a key output column).</summary>
    public DataViewSchema.Annotations KeyValueAnnotations()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        AddKeyValues(builder);
        return builder.ToAnnotations();
    }

    /// <summary>Checks a loaded instance.</summary>
    public ClassValues Validate(ModelLoadContext ctx) =>
        Types.ContainsKey(ItemType ?? string.Empty) && Values is { Length: > 0 } ? this : throw ctx.Error($"class values of type '{ItemType}' with {Values?.Length ?? 0} entries are not valid");

    private static string NameOf(PrimitiveDataViewType type) =>
        Types.FirstOrDefault(t => t.Value.Equals(type)).Key ?? throw new ArgumentException($"Type {type} cannot hold class values.", nameof(type));

    private static string[] ReadKeyValues<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(Format)];
    }

    private static string Format<T>(T value) => value switch
    {
        ReadOnlyMemory<char> text => text.ToString(),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? string.Empty,
    };

    private void AddTyped<T>(DataViewSchema.Annotations.Builder builder, PrimitiveDataViewType type)
    {
        var values = new VBuffer<T>(Count, [.. Values.Select(Parse<T>)]);
        builder.AddKeyValues(Count, type, ValueCopier<VBuffer<T>>.Constant(values));
    }

    private static T Parse<T>(string text)
    {
        object value = typeof(T) == typeof(ReadOnlyMemory<char>) ? text.AsMemory()
            : typeof(T) == typeof(bool) ? bool.Parse(text)
            : Convert.ChangeType(text, typeof(T), CultureInfo.InvariantCulture);
        return (T)value;
    }
}
