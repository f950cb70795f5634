using System.Globalization;
using System.Text.Json;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The typed <see cref="TermMap"/>.</summary>
/// <typeparam name="T">The raw type of the values.</typeparam>
internal sealed class TermMap<T> : TermMap
    where T : notnull
{
    private readonly List<T> terms = [];
    private readonly Dictionary<T, uint> index;

    public TermMap(PrimitiveDataViewType itemType)
    {
        ItemType = itemType;
        index = typeof(T) == typeof(ReadOnlyMemory<char>) ? new Dictionary<T, uint>((IEqualityComparer<T>)(object)ReadOnlyMemoryComparer.Instance) : [];
    }

    public override PrimitiveDataViewType ItemType { get; }

    public override int Count => terms.Count;

    public override object ToJson() => typeof(T) == typeof(ReadOnlyMemory<char>)
        ? terms.Select(t => ((ReadOnlyMemory<char>)(object)t).ToString()).ToArray()
        : terms.ToArray();

    public override void SortByValue()
    {
        if (typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            terms.Sort((a, b) => ReadOnlyMemoryComparer.Instance.Compare((ReadOnlyMemory<char>)(object)a, (ReadOnlyMemory<char>)(object)b));
        }
        else
        {
            terms.Sort(Comparer<T>.Default);
        }

        Reindex();
    }

    public override Action MakeCollector(DataViewRow row, DataViewSchema.Column column, int maximum)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<T>>(column);
            VBuffer<T> buffer = default;
            return () =>
            {
                getter(ref buffer);
                foreach (var v in buffer.DenseValues())
                {
                    Add(v, maximum);
                }
            };
        }

        var scalar = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            scalar(ref value);
            Add(value, maximum);
        };
    }

    public override Delegate MakeKeyGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<T>>(column);
            VBuffer<T> source = default;
            return (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> value) =>
            {
                getter(ref source);
                var editor = VBufferEditor.Create(ref value, source.Length);
                int i = 0;
                foreach (var v in source.DenseValues())
                {
                    editor.Values[i++] = Map(v);
                }

                value = editor.Commit();
            });
        }

        var scalar = row.GetGetter<T>(column);
        T item = default!;
        return (ValueGetter<uint>)((ref uint value) =>
        {
            scalar(ref item);
            value = Map(item);
        });
    }

    public override void AddKeyValues(DataViewSchema.Annotations.Builder builder, bool asText)
    {
        if (asText && typeof(T) != typeof(ReadOnlyMemory<char>))
        {
            var text = terms.Select(t => (t is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : t.ToString() ?? string.Empty).AsMemory()).ToArray();
            builder.AddKeyValues(text.Length, TextDataViewType.Instance, ValueCopier<VBuffer<ReadOnlyMemory<char>>>.Constant(new VBuffer<ReadOnlyMemory<char>>(text.Length, text)));
            return;
        }

        var values = terms.ToArray();
        builder.AddKeyValues(values.Length, ItemType, ValueCopier<VBuffer<T>>.Constant(new VBuffer<T>(values.Length, values)));
    }

    protected override void LoadJson(JsonElement json)
    {
        if (typeof(T) == typeof(ReadOnlyMemory<char>))
        {
            foreach (var s in json.Deserialize<string[]>(ModelJson.Options)!)
            {
                AddTerm((T)(object)s.AsMemory());
            }
        }
        else
        {
            foreach (var v in json.Deserialize<T[]>(ModelJson.Options)!)
            {
                AddTerm(v);
            }
        }
    }

    private uint Map(T value) => index.TryGetValue(value, out uint key) ? key : 0;

    private void Add(T value, int maximum)
    {
        if (terms.Count >= maximum || IsMissing(value) || index.ContainsKey(value))
        {
            return;
        }

        if (value is ReadOnlyMemory<char> text)
        {
            value = (T)(object)text.ToString().AsMemory();
        }

        AddTerm(value);
    }

    private void AddTerm(T value)
    {
        if (!index.TryAdd(value, (uint)terms.Count + 1))
        {
            throw new InvalidDataException($"Term '{value}' is listed twice.");
        }

        terms.Add(value);
    }

    private void Reindex()
    {
        index.Clear();
        for (int i = 0; i < terms.Count; i++)
        {
            index[terms[i]] = (uint)i + 1;
        }
    }

    private static bool IsMissing(T value) => value switch
    {
        float f => float.IsNaN(f),
        double d => double.IsNaN(d),
        _ => false,
    };
}
