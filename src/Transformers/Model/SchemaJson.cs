using System.Globalization;
using System.Text.Json;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Writes a <see cref="DataViewSchema"/> to JSON and back: names, types ("Single", "Vector&lt;Single, 1, 28, 28&gt;",
/// "Key&lt;UInt32, 0-9&gt;", "String", "Boolean") and the annotations whose values are numbers, text or booleans
/// (KeyValues, SlotNames, IsNormalized, ...). Other annotations are left out.
/// </summary>
internal static class SchemaJson
{
    public static object ToJson(DataViewSchema schema) =>
        schema.Select(c => new ColumnEntry(c.Name, TypeName(c.Type), Annotations(c.Annotations))).ToArray();

    public static DataViewSchema FromJson(JsonElement json, Func<string, Exception> error)
    {
        ColumnEntry[] columns;
        try
        {
            columns = json.Deserialize<ColumnEntry[]>(ModelJson.Options) ?? throw error("the input schema is JSON null");
        }
        catch (JsonException e)
        {
            throw error($"the input schema is not valid ({e.Message})");
        }

        var builder = new DataViewSchema.Builder();
        foreach (var c in columns)
        {
            if (string.IsNullOrEmpty(c.Name))
            {
                throw error("a column of the input schema has no name");
            }

            var annotations = new DataViewSchema.Annotations.Builder();
            foreach (var a in c.Annotations ?? [])
            {
                AddAnnotation(annotations, a, ParseType(a.Type, error), error);
            }

            builder.AddColumn(c.Name, ParseType(c.Type, error), annotations.ToAnnotations());
        }

        return builder.ToSchema();
    }

    public static string TypeName(DataViewType type) => type.ToString()!;

    public static DataViewType ParseType(string? name, Func<string, Exception> error)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw error("a column type is missing");
        }

        if (name.StartsWith("Vector<", StringComparison.Ordinal) && name.EndsWith('>'))
        {
            string inner = name[7..^1];
            int split = inner.StartsWith("Key<", StringComparison.Ordinal) ? inner.IndexOf('>') + 1 : inner.IndexOf(',');
            string item = split <= 0 || split >= inner.Length ? inner : inner[..split];
            var dims = split <= 0 || split >= inner.Length ? [] : inner[(split + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(d => int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw error($"type '{name}' has a bad dimension '{d}'")).ToArray();
            return ParseType(item, error) is PrimitiveDataViewType primitive ? new VectorDataViewType(primitive, dims) : throw error($"type '{name}' has a non-primitive item type");
        }

        if (name.StartsWith("Key<UInt32, 0-", StringComparison.Ordinal) && name.EndsWith('>')
            && ulong.TryParse(name[14..^1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong last) && last < uint.MaxValue)
        {
            return new KeyDataViewType(typeof(uint), last + 1);
        }

        return name switch
        {
            "String" => TextDataViewType.Instance,
            "Boolean" => BooleanDataViewType.Instance,
            "RowId" => RowIdDataViewType.Instance,
            _ => NumberDataViewType.All.FirstOrDefault(t => t.ToString() == name) ?? throw error($"unknown column type '{name}'"),
        };
    }

    private static AnnotationEntry[] Annotations(DataViewSchema.Annotations annotations)
    {
        var result = new List<AnnotationEntry>();
        foreach (var a in annotations.Schema.Where(a => !a.IsHidden))
        {
            var item = a.Type is VectorDataViewType v ? v.ItemType : a.Type;
            if (item is KeyDataViewType or RowIdDataViewType || (a.Type is VectorDataViewType { IsKnownSize: false }))
            {
                continue;
            }

            var method = typeof(SchemaJson).GetMethod(a.Type is VectorDataViewType ? nameof(ReadVector) : nameof(ReadScalar), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(item.RawType);
            result.Add(new AnnotationEntry(a.Name, TypeName(a.Type), JsonSerializer.SerializeToElement(method.Invoke(null, [annotations, a]), ModelJson.Options)));
        }

        return [.. result];
    }

    private static object? ReadScalar<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        T value = default!;
        annotations.GetGetter<T>(column)(ref value);
        return value is ReadOnlyMemory<char> text ? text.ToString() : value;
    }

    private static object ReadVector<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        VBuffer<T> value = default;
        annotations.GetGetter<VBuffer<T>>(column)(ref value);
        return typeof(T) == typeof(ReadOnlyMemory<char>) ? value.DenseValues().Select(v => v!.ToString()).ToArray() : value.DenseValues().ToArray();
    }

    private static void AddAnnotation(DataViewSchema.Annotations.Builder builder, AnnotationEntry entry, DataViewType type, Func<string, Exception> error)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw error("an annotation has no name");
        }

        var item = type is VectorDataViewType v ? v.ItemType : type;
        var method = typeof(SchemaJson).GetMethod(type is VectorDataViewType ? nameof(AddVector) : nameof(AddScalar), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        try
        {
            method.Invoke(null, [builder, entry, type]);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is JsonException or InvalidOperationException or ArgumentException)
        {
            throw error($"annotation '{entry.Name}' does not hold a {type} ({e.InnerException.Message})");
        }
    }

    private static void AddScalar<T>(DataViewSchema.Annotations.Builder builder, AnnotationEntry entry, DataViewType type)
    {
        T value = typeof(T) == typeof(ReadOnlyMemory<char>) ? (T)(object)(entry.Value.Deserialize<string>(ModelJson.Options) ?? string.Empty).AsMemory() : entry.Value.Deserialize<T>(ModelJson.Options)!;
        builder.Add(entry.Name, type, value);
    }

    private static void AddVector<T>(DataViewSchema.Annotations.Builder builder, AnnotationEntry entry, DataViewType type)
    {
        T[] values = typeof(T) == typeof(ReadOnlyMemory<char>)
            ? [.. (entry.Value.Deserialize<string[]>(ModelJson.Options) ?? []).Select(s => (T)(object)s.AsMemory())]
            : entry.Value.Deserialize<T[]>(ModelJson.Options) ?? [];
        if (((VectorDataViewType)type).Size != values.Length)
        {
            throw new InvalidOperationException($"{values.Length} values for {type}");
        }

        builder.Add(entry.Name, type, new VBuffer<T>(values.Length, values));
    }

    private sealed record ColumnEntry(string Name, string Type, AnnotationEntry[]? Annotations);

    private sealed record AnnotationEntry(string Name, string Type, JsonElement Value);
}
