using ClassyNet.MLNet.Transformers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Pipeline;

/// <summary>Reads columns of any type out of views and rows as comparable values (vectors as arrays, text as strings).</summary>
internal static class ColumnValues
{
    /// <summary>Every row of <paramref name="view"/>: the values of <paramref name="names"/>, in order.</summary>
    public static List<object[]> Read(IDataView view, params string[] names)
    {
        var columns = names.Select(n => view.Schema[n]).ToArray();
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var rows = new List<object[]>();
        while (cursor.MoveNext())
        {
            rows.Add([.. readers.Select(r => r())]);
        }

        return rows;
    }

    /// <summary>A reader of column <paramref name="column"/> of <paramref name="row"/>.</summary>
    public static Func<object> Reader(DataViewRow row, DataViewSchema.Column column) => column.Type is VectorDataViewType vector
        ? GenericMethod.Invoke<Func<object>>(typeof(ColumnValues), nameof(VectorReader), vector.ItemType.RawType, null, row, column)
        : GenericMethod.Invoke<Func<object>>(typeof(ColumnValues), nameof(ScalarReader), column.Type.RawType, null, row, column);

    /// <summary>
    /// Asserts two tables of values are equal, naming the first row and column that differ. Single values may differ by
    /// <paramref name="singleTolerance"/> (absolute); everything else must be equal.
    /// </summary>
    public static void AssertEqual(List<object[]> expected, List<object[]> actual, string[] names, string what, float singleTolerance = 0)
    {
        Assert.HasCount(expected.Count, actual, $"{what}: row counts differ");
        for (int i = 0; i < expected.Count; i++)
        {
            for (int c = 0; c < names.Length; c++)
            {
                Assert.IsTrue(Same(expected[i][c], actual[i][c], singleTolerance), $"{what}: row {i}, column '{names[c]}': {Show(expected[i][c])} vs {Show(actual[i][c])}");
            }
        }
    }

    /// <summary>Name, type and annotation names and types of every column: equal schemas describe equally.</summary>
    public static string[] Describe(DataViewSchema schema) =>
        [.. schema.Select(c => $"{c.Name}:{c.Type}[{string.Join(",", c.Annotations.Schema.Select(a => $"{a.Name}:{a.Type}"))}]")];

    /// <summary>The annotation values of every column of <paramref name="schema"/>.</summary>
    public static string[] AnnotationValues(DataViewSchema schema) =>
        [.. schema.SelectMany(c => c.Annotations.Schema.Select(a => $"{c.Name}.{a.Name}={Show(AnnotationValue(c.Annotations, a))}"))];

    private static object AnnotationValue(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation) => annotation.Type is VectorDataViewType vector
        ? GenericMethod.Invoke<object>(typeof(ColumnValues), nameof(VectorAnnotation), vector.ItemType.RawType, null, annotations, annotation)
        : GenericMethod.Invoke<object>(typeof(ColumnValues), nameof(ScalarAnnotation), annotation.Type.RawType, null, annotations, annotation);

    private static object ScalarAnnotation<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
    {
        T value = default!;
        annotations.GetValue(annotation.Name, ref value);
        return Box(value);
    }

    private static object VectorAnnotation<T>(DataViewSchema.Annotations annotations, DataViewSchema.Column annotation)
    {
        VBuffer<T> value = default;
        annotations.GetValue(annotation.Name, ref value);
        return value.DenseValues().Select(Box).ToArray();
    }

    private static Func<object> ScalarReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return Box(value);
        };
    }

    private static Func<object> VectorReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            getter(ref value);
            return value.DenseValues().Select(Box).ToArray();
        };
    }

    private static object Box<T>(T value) => value is ReadOnlyMemory<char> text ? text.ToString() : value!;

    private static bool Same(object a, object b, float singleTolerance) => (a, b) switch
    {
        (object[] x, object[] y) => x.Length == y.Length && x.Zip(y).All(p => Same(p.First, p.Second, singleTolerance)),
        (float x, float y) => x.Equals(y) || Math.Abs(x - y) <= singleTolerance,
        _ => Equals(a, b),
    };

    private static string Show(object value) => value is object[] array ? $"[{string.Join(", ", array)}]" : $"{value}";
}
