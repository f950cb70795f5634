using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The output of a ClassyNet transformer's <see cref="ITransformer.Transform"/>: a lazy view whose cursors wrap a cursor
/// of the input and map each row through an <see cref="AddedColumnsMapper"/> as it is reached; or, when
/// <paramref name="batchCursor"/> is given and an added column is read, a cursor that maps the input in batches.
/// </summary>
/// <param name="input">The input view.</param>
/// <param name="mapper">The row mapper over the input's schema.</param>
/// <param name="batchCursor">Makes a batching cursor from an input cursor and the output columns needed; null to map row by row.</param>
internal sealed class MappedDataView(IDataView input, AddedColumnsMapper mapper, Func<DataViewRowCursor, DataViewSchema.Column[], DataViewRowCursor>? batchCursor = null) : IDataView
{
    /// <inheritdoc/>
    public bool CanShuffle => input.CanShuffle;

    /// <inheritdoc/>
    public DataViewSchema Schema => mapper.OutputSchema;

    /// <inheritdoc/>
    public long? GetRowCount() => input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToArray();
        var source = input.GetRowCursor(mapper.GetDependencies(needed), rand);
        return batchCursor is not null && needed.Any(mapper.IsAdded) ? batchCursor(source, needed) : new Cursor(source, mapper.GetRow(source, needed));
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor source, DataViewRow row) : DataViewRowCursor
    {
        public override DataViewSchema Schema => row.Schema;

        public override long Position => source.Position;

        public override long Batch => source.Batch;

        public override bool MoveNext() => source.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                source.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
