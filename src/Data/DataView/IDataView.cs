namespace ClassyNet.MLNet.Data;

/// <summary>
/// A lazily evaluated table: a schema and cursors over its rows. Views are immutable and may be read many times;
/// loaders stream their source and transforms compute their columns as cursors move.
/// </summary>
public interface IDataView
{
    /// <summary>True when cursors may visit the rows in a random order.</summary>
    bool CanShuffle { get; }

    /// <summary>The columns.</summary>
    DataViewSchema Schema { get; }

    /// <summary>The number of rows when known without reading the data, else null.</summary>
    long? GetRowCount();

    /// <summary>
    /// A cursor over the rows with <paramref name="columnsNeeded"/> active. With a <paramref name="rand"/> and
    /// <see cref="CanShuffle"/> the rows come in an order drawn from it.
    /// </summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null);

    /// <summary>Up to <paramref name="n"/> cursors that together visit every row once (for parallel reading).</summary>
    DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null);
}
