namespace ClassyNet.MLNet.Data;

/// <summary>
/// A single row backed by a row object that is swapped in with <see cref="Set"/> (what a prediction engine feeds its
/// model). Each <see cref="Set"/> advances <see cref="Position"/>, so mappers that cache per row recompute.
/// </summary>
/// <typeparam name="TRow">The row class.</typeparam>
internal sealed class PocoRow<TRow> : DataViewRow
    where TRow : class
{
    private readonly Delegate[] getters;
    private TRow? current;
    private long position = -1;

    public PocoRow(DataViewSchema? schemaOverride)
    {
        var columns = PocoColumn.For(typeof(TRow)).Where(c => c.CanRead).ToArray();
        Schema = EnumerableDataView<TRow>.BuildSchema(columns, schemaOverride);
        getters = [.. columns.Select(c => c.MakeGetter(() => current ?? throw new InvalidOperationException("No row object has been set.")))];
    }

    public override DataViewSchema Schema { get; }

    public override long Position => position;

    public override long Batch => 0;

    /// <summary>Makes <paramref name="row"/> the current row.</summary>
    public void Set(TRow row)
    {
        current = row ?? throw new ArgumentNullException(nameof(row));
        position++;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => (uint)column.Index < (uint)getters.Length;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        DataViewChecks.CheckGetter<TValue>(Schema, column, IsColumnActive(column));
        return (ValueGetter<TValue>)getters[column.Index];
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)Math.Max(position, 0), 0);
}
