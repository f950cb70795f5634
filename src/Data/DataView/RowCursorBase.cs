namespace ClassyNet.MLNet.Data;

/// <summary>
/// Plumbing shared by the library's cursors: position bookkeeping, the active-column set and getter checks that name
/// the column and both types when a getter is requested for an inactive column or with the wrong type.
/// </summary>
internal abstract class RowCursorBase : DataViewRowCursor
{
    private readonly bool[] active;
    private long position = -1;
    private bool done;

    protected RowCursorBase(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        Schema = schema;
        active = new bool[schema.Count];
        foreach (var column in columnsNeeded)
        {
            DataViewChecks.CheckColumnOfSchema(schema, column);
            active[column.Index] = true;
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => position;

    public override long Batch => 0;

    protected bool IsDone => done;

    public override bool IsColumnActive(DataViewSchema.Column column) => (uint)column.Index < (uint)active.Length && active[column.Index];

    public sealed override bool MoveNext()
    {
        if (done)
        {
            return false;
        }

        if (MoveNextCore())
        {
            position++;
            return true;
        }

        done = true;
        return false;
    }

    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        DataViewChecks.CheckGetter<TValue>(Schema, column, IsColumnActive(column));
        return GetGetterCore<TValue>(column);
    }

    protected abstract bool MoveNextCore();

    protected abstract ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column);
}
