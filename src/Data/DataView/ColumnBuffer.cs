namespace ClassyNet.MLNet.Data;

/// <summary>
/// Holds the values of one column for a fixed number of rows, captured from a moving row (deep copies, so the source
/// may move on). Used by batching transforms and shuffling.
/// </summary>
internal abstract class ColumnBuffer
{
    public abstract int Capacity { get; }

    /// <summary>Creates a buffer of <paramref name="capacity"/> rows for <paramref name="column"/> of <paramref name="source"/>.</summary>
    public static ColumnBuffer Create(DataViewRow source, DataViewSchema.Column column, int capacity)
    {
        var type = typeof(ColumnBuffer<>).MakeGenericType(column.Type.RawType);
        return (ColumnBuffer)Activator.CreateInstance(type, source, column, capacity)!;
    }

    /// <summary>Creates a buffer for the row ids of <paramref name="source"/>.</summary>
    public static ColumnBuffer<DataViewRowId> CreateIds(DataViewRow source, int capacity) => new(source.GetIdGetter(), capacity);

    /// <summary>Reads the source row's current value into <paramref name="slot"/>.</summary>
    public abstract void Capture(int slot);

    /// <summary>Swaps two slots.</summary>
    public abstract void Swap(int a, int b);

    /// <summary>A getter that copies out the value in the slot <paramref name="slot"/> returns at call time.</summary>
    public abstract Delegate MakeGetter(Func<int> slot);
}
