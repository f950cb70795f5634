namespace ClassyNet.MLNet.Data;

/// <summary>Typed getters and setters between row-class members and column values (instantiated by <see cref="PocoColumn"/>).</summary>
internal static class PocoAccessors
{
    public static ValueGetter<T> ScalarGetter<TRow, T>(Func<TRow> current, Func<TRow, T> get, PocoColumn column) =>
        (ref T value) => value = get(current());

    public static ValueGetter<ReadOnlyMemory<char>> StringGetter<TRow>(Func<TRow> current, Func<TRow, string?> get, PocoColumn column) =>
        (ref ReadOnlyMemory<char> value) => value = (get(current()) ?? string.Empty).AsMemory();

    public static ValueGetter<VBuffer<T>> ArrayGetter<TRow, T>(Func<TRow> current, Func<TRow, T[]?> get, PocoColumn column)
    {
        int size = ((VectorDataViewType)column.Type).Size;
        return (ref VBuffer<T> value) =>
        {
            var array = get(current()) ?? [];
            CheckSize(column, size, array.Length);
            var editor = VBufferEditor.Create(ref value, array.Length);
            array.CopyTo(editor.Values);
            value = editor.Commit();
        };
    }

    public static ValueGetter<VBuffer<T>> VBufferGetter<TRow, T>(Func<TRow> current, Func<TRow, VBuffer<T>> get, PocoColumn column)
    {
        int size = ((VectorDataViewType)column.Type).Size;
        return (ref VBuffer<T> value) =>
        {
            var source = get(current());
            CheckSize(column, size, source.Length);
            source.CopyTo(ref value);
        };
    }

    public static Action<TRow> ScalarSetter<TRow, T>(DataViewRow row, DataViewSchema.Column column, Func<TRow, T>? get, Action<TRow, T> set, bool reuse)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return target =>
        {
            getter(ref value);
            set(target, value);
        };
    }

    public static Action<TRow> StringSetter<TRow>(DataViewRow row, DataViewSchema.Column column, Func<TRow, string>? get, Action<TRow, string> set, bool reuse)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        return target =>
        {
            getter(ref value);
            set(target, value.ToString());
        };
    }

    public static Action<TRow> ArraySetter<TRow, T>(DataViewRow row, DataViewSchema.Column column, Func<TRow, T[]?>? get, Action<TRow, T[]> set, bool reuse)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return target =>
        {
            getter(ref value);
            var array = reuse && get is not null ? get(target) : null;
            if (array is null || array.Length != value.Length)
            {
                array = new T[value.Length];
            }

            value.CopyTo(array);
            set(target, array);
        };
    }

    public static Action<TRow> VBufferSetter<TRow, T>(DataViewRow row, DataViewSchema.Column column, Func<TRow, VBuffer<T>>? get, Action<TRow, VBuffer<T>> set, bool reuse)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return target =>
        {
            getter(ref value);
            var destination = reuse && get is not null ? get(target) : default;
            value.CopyTo(ref destination);
            set(target, destination);
        };
    }

    private static void CheckSize(PocoColumn column, int size, int actual)
    {
        if (size > 0 && actual != size)
        {
            throw new InvalidOperationException($"Column '{column.Name}' is a vector of {size} values ({column.Type}) but member {column.Describe()} holds {actual}.");
        }
    }
}
