namespace ClassyNet.MLNet.Data;

/// <summary>The rows of a view for which a predicate holds (evaluated as the cursor moves; the row count is unknown).</summary>
internal sealed class FilterView : IDataView
{
    private readonly IDataView input;
    private readonly DataViewSchema.Column[] predicateColumns;
    private readonly Func<DataViewRow, Func<bool>> makePredicate;

    /// <param name="input">The rows to filter.</param>
    /// <param name="predicateColumns">The input columns the predicate reads.</param>
    /// <param name="makePredicate">Creates, for a cursor, the test of its current row.</param>
    public FilterView(IDataView input, IEnumerable<DataViewSchema.Column> predicateColumns, Func<DataViewRow, Func<bool>> makePredicate)
    {
        this.input = input;
        this.predicateColumns = [.. predicateColumns];
        this.makePredicate = makePredicate;
    }

    public bool CanShuffle => input.CanShuffle;

    public DataViewSchema Schema => input.Schema;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToArray();
        var cursor = input.GetRowCursor(needed.Concat(predicateColumns).DistinctBy(c => c.Index).ToArray(), rand);
        return new Cursor(cursor, needed, makePredicate(cursor));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, DataViewSchema.Column[] needed, Func<bool> keep) : RowCursorBase(input.Schema, needed)
    {
        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        protected override bool MoveNextCore()
        {
            while (input.MoveNext())
            {
                if (keep())
                {
                    return true;
                }
            }

            return false;
        }

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
