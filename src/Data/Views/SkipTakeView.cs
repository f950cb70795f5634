namespace ClassyNet.MLNet.Data;

/// <summary>Rows <c>skip</c> .. <c>skip + take</c> of a view, in the input's order (so it does not shuffle).</summary>
internal sealed class SkipTakeView(IDataView input, long skip, long take) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => input.Schema;

    public long? GetRowCount() => input.GetRowCount() is long n ? Math.Clamp(n - skip, 0, take) : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToArray();
        return new Cursor(input.GetRowCursor(needed), needed, skip, take);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor input, DataViewSchema.Column[] needed, long skip, long take) : RowCursorBase(input.Schema, needed)
    {
        private bool skipped;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        protected override bool MoveNextCore()
        {
            if (!skipped)
            {
                skipped = true;
                for (long i = 0; i < skip; i++)
                {
                    if (!input.MoveNext())
                    {
                        return false;
                    }
                }
            }

            return Position + 1 < take && input.MoveNext();
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
