using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The user's value of each class index 0..K-1 (the KeyValues of the key label; 0..K-1 as UInt32 for a key without
/// them), kept as invariant text plus the item type, so that a fitted transformer can save it and put the same KeyValues
/// annotation (and SlotNames) on its outputs without seeing the training schema again.
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
    [JsonIgnore]
    public int Count => Values.Length;

    /// <summary>The item type of the values.</summary>
    [JsonIgnore]
    public PrimitiveDataViewType Type => Types.TryGetValue(ItemType, out var t) ? t : throw new InvalidDataException($"Unknown class value type '{ItemType}'.");

    /// <summary>Class indices 0..K-1 as UInt32 values (a key label without KeyValues).</summary>
    public static ClassValues Indices(int count) =>
        new("UInt32", [.. Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture))]);

    /// <summary>
    /// <paramref name="count"/> stand-in values of <paramref name="type"/> (the default value of the type), for an
    /// output shape: a schema shape carries the annotation's type, not its values.
    /// </summary>
    public static ClassValues Placeholder(PrimitiveDataViewType type, int count) =>
        new(NameOf(type), [.. Enumerable.Repeat(type is TextDataViewType ? string.Empty : type is BooleanDataViewType ? "False" : "0", count)]);

    /// <summary>True when values of <paramref name="type"/> can be kept (text, Boolean and the numeric types).</summary>
    public static bool IsSupported(DataViewType type) => Types.Values.Any(t => t.Equals(type));

    /// <summary>The KeyValues of key column <paramref name="column"/>, or null when it has none of a supported type.</summary>
    public static ClassValues? FromKeyValues(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues) is not { Type: VectorDataViewType { ItemType: var item } } || !IsSupported(item))
        {
            return null;
        }

        return new ClassValues(NameOf((PrimitiveDataViewType)item), GenericMethod.Invoke<string[]>(typeof(ClassValues), nameof(ReadKeyValues), item.RawType, null, column));
    }

    /// <summary>Checks a loaded instance; null when it is not valid.</summary>
    public bool IsValid() => Types.ContainsKey(ItemType ?? string.Empty) && Values is { Length: > 0 } && Values.All(v => v is not null);

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
    public void AddKeyValues(DataViewSchema.Annotations.Builder builder) =>
        GenericMethod.Invoke<bool>(typeof(ClassValues), nameof(AddTyped), Type.RawType, this, builder);

    /// <summary>Adds SlotNames (the values as text) to <paramref name="builder"/>.</summary>
    public void AddSlotNames(DataViewSchema.Annotations.Builder builder)
    {
        var names = Values.Select(v => v.AsMemory()).ToArray();
        builder.Add(AnnotationKinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, Count), (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, [.. names]));
    }

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

    private static T Parse<T>(string text)
    {
        object value = typeof(T) == typeof(ReadOnlyMemory<char>) ? text.AsMemory()
            : typeof(T) == typeof(bool) ? bool.Parse(text)
            : Convert.ChangeType(text, typeof(T), CultureInfo.InvariantCulture);
        return (T)value;
    }

    private bool AddTyped<T>(DataViewSchema.Annotations.Builder builder)
    {
        var values = Values.Select(Parse<T>).ToArray();
        builder.Add(AnnotationKinds.KeyValues, new VectorDataViewType(Type, Count), (ref VBuffer<T> value) => value = new VBuffer<T>(values.Length, [.. values]));
        return true;
    }
}
