namespace ClassyNet.MLNet.Data;

/// <summary>The typed <see cref="ColumnBuffer"/>.</summary>
/// <typeparam name="T">The column's raw type.</typeparam>
internal sealed class ColumnBuffer<T> : ColumnBuffer
{
    private readonly ValueGetter<T> getter;

    public ColumnBuffer(DataViewRow source, DataViewSchema.Column column, int capacity)
        : this(source.GetGetter<T>(column), capacity)
    {
    }

    public ColumnBuffer(ValueGetter<T> getter, int capacity)
    {
        this.getter = getter;
        Values = new T[capacity];
    }

    /// <summary>The captured values, one slot per row.</summary>
    public T[] Values { get; }

    public override int Capacity => Values.Length;

    public override void Capture(int slot) => getter(ref Values[slot]);

    public override void Swap(int a, int b) => (Values[a], Values[b]) = (Values[b], Values[a]);

    public override Delegate MakeGetter(Func<int> slot) => (ValueGetter<T>)((ref T value) => ValueCopier<T>.Copy(Values[slot()], ref value));
}
