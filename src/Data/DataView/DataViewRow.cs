namespace ClassyNet.MLNet.Data;

/// <summary>
/// One row of a data view: typed getters for its active columns. A getter reads the value of whichever row the row
/// object is on when it is called; <see cref="Position"/> says which.
/// </summary>
public abstract class DataViewRow : IDisposable
{
    /// <summary>The 0-based position of the current row among the rows this object has visited; -1 before the first.</summary>
    public abstract long Position { get; }

    /// <summary>Which cursor of a cursor set produced the row (0 for a single cursor).</summary>
    public abstract long Batch { get; }

    /// <summary>The columns.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>True when <paramref name="column"/> was requested and can be read.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>
    /// A getter for an active column. <typeparamref name="TValue"/> must be the column type's raw type
    /// (<see cref="DataViewType.RawType"/>); an inactive column or another type throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>A getter for the current row's id.</summary>
    public abstract ValueGetter<DataViewRowId> GetIdGetter();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the row holds (for a cursor: its source cursors).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
