using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Data;

/// <summary>
/// A cursor over the rows 0..count-1 of a view that reads rows by index: in order, or in a random permutation drawn from
/// the <see cref="Random"/> a caller passes (so cursors can shuffle). The row id is the row's index. Subclasses give the
/// getters and read the current row through <see cref="Index"/>.
/// </summary>
internal abstract class IndexedRowCursor : DataViewRowCursor
{
    private readonly DataViewSchema schema;
    private readonly long count;
    private readonly bool[] active;
    private readonly int[]? order;
    private long position = -1;
    private long index = -1;

    protected IndexedRowCursor(DataViewSchema schema, long count, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
    {
        this.schema = schema;
        this.count = count;
        active = new bool[schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        if (rand is not null)
        {
            order = [.. Enumerable.Range(0, checked((int)count))];
            rand.Shuffle(order);
        }
    }

    public override DataViewSchema Schema => schema;

    public override long Position => position;

    public override long Batch => 0;

    /// <summary>The index of the current row; throws before the first <see cref="MoveNext"/> and after the last row.</summary>
    protected long Index => index >= 0 ? index : throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)Index, 0);

    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    public override bool MoveNext()
    {
        long next = position + 1;
        if (next >= count)
        {
            index = -1;
            return false;
        }

        position = next;
        index = order is null ? next : order[next];
        return true;
    }

    /// <summary>Throws, naming the column, when <paramref name="column"/> was not among the columns needed.</summary>
    protected void CheckActive(DataViewSchema.Column column)
    {
        if (!active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; list it in the columns needed.");
        }
    }

    /// <summary><paramref name="getter"/> as the getter type asked for, or an error naming the column's type.</summary>
    protected static ValueGetter<TValue> Typed<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
}
