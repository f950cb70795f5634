using System.Globalization;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>Reads any data view (or row) into strings, column by column, for comparisons in tests.</summary>
internal static class ViewReader
{
    /// <summary>Every row of <paramref name="view"/>, each as "Name=value" strings of its visible columns.</summary>
    public static List<string[]> ReadAll(IDataView view, Random? rand = null)
    {
        var columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        using var cursor = view.GetRowCursor(columns, rand);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var rows = new List<string[]>();
        while (cursor.MoveNext())
        {
            rows.Add([.. readers.Select(r => r())]);
        }

        return rows;
    }

    /// <summary>A function returning the current value of <paramref name="column"/> of <paramref name="row"/> as text.</summary>
    public static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var method = typeof(ViewReader).GetMethod(column.Type is VectorDataViewType ? nameof(VectorReader) : nameof(ScalarReader), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(column.Type is VectorDataViewType v ? v.ItemType.RawType : column.Type.RawType);
        var read = (Func<string>)method.Invoke(null, [row, column])!;
        return () => $"{column.Name}={read()}";
    }

    /// <summary>The annotations of every visible column, as text.</summary>
    public static string[] Annotations(DataViewSchema schema) =>
        [.. schema.Where(c => !c.IsHidden).SelectMany(c => c.Annotations.Schema.Select(a => $"{c.Name}.{a.Name}: {a.Type} = {AnnotationValue(c.Annotations, a)}"))];

    public static string Format<T>(T value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        ReadOnlyMemory<char> m => m.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    private static string AnnotationValue(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        var method = typeof(ViewReader).GetMethod(nameof(ReadAnnotation), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(column.Type.RawType);
        return (string)method.Invoke(null, [annotations, column])!;
    }

    private static string ReadAnnotation<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        T value = default!;
        annotations.GetGetter<T>(column)(ref value);
        return value switch
        {
            VBuffer<float> v => string.Join(",", v.DenseValues().Select(Format)),
            VBuffer<ReadOnlyMemory<char>> v => string.Join(",", v.DenseValues().Select(Format)),
            VBuffer<double> v => string.Join(",", v.DenseValues().Select(Format)),
            VBuffer<int> v => string.Join(",", v.DenseValues().Select(Format)),
            VBuffer<uint> v => string.Join(",", v.DenseValues().Select(Format)),
            VBuffer<bool> v => string.Join(",", v.DenseValues().Select(Format)),
            _ => Format(value),
        };
    }

    private static Func<string> ScalarReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return Format(value);
        };
    }

    private static Func<string> VectorReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            getter(ref value);
            return "[" + string.Join(",", value.DenseValues().Select(Format)) + "]";
        };
    }
}
