using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The values of one input column for the rows of a batch, captured from a cursor row by row (vectors copied, so the
/// cursor may reuse its buffers) and served back by getters that read the slot of the current output row.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>A buffer of <paramref name="capacity"/> rows of <paramref name="column"/> read from <paramref name="row"/>.</summary>
    public static ColumnBuffer Create(DataViewRow row, DataViewSchema.Column column, int capacity) => column.Type is VectorDataViewType vector
        ? GenericMethod.Invoke<ColumnBuffer>(typeof(ColumnBuffer), nameof(CreateVector), vector.ItemType.RawType, null, row, column, capacity)
        : GenericMethod.Invoke<ColumnBuffer>(typeof(ColumnBuffer), nameof(CreateScalar), column.Type.RawType, null, row, column, capacity);

    /// <summary>Stores the row's current value in <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>A getter (<c>ValueGetter&lt;T&gt;</c> of the column's raw type) of the value in slot <paramref name="slot"/>().</summary>
    public abstract Delegate Getter(Func<int> slot);

    private static ColumnBuffer CreateScalar<T>(DataViewRow row, DataViewSchema.Column column, int capacity) => new Scalar<T>(row.GetGetter<T>(column), capacity);

    private static ColumnBuffer CreateVector<T>(DataViewRow row, DataViewSchema.Column column, int capacity) => new Vector<T>(row.GetGetter<VBuffer<T>>(column), capacity);

    private sealed class Scalar<T>(ValueGetter<T> source, int capacity) : ColumnBuffer
    {
        private readonly T[] values = new T[capacity];

        public override void Capture(int slot) => source(ref values[slot]);

        public override Delegate Getter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = values[slot()]);
    }

    private sealed class Vector<T>(ValueGetter<VBuffer<T>> source, int capacity) : ColumnBuffer
    {
        private readonly VBuffer<T>[] values = new VBuffer<T>[capacity];
        private VBuffer<T> read;

        public override void Capture(int slot)
        {
            source(ref read);
            read.CopyTo(ref values[slot]);
        }

        public override Delegate Getter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => values[slot()].CopyTo(ref value));
    }
}
