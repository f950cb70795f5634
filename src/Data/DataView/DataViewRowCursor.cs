namespace ClassyNet.MLNet.Data;

/// <summary>A row that moves forward through a data view, one row per <see cref="MoveNext"/>.</summary>
public abstract class DataViewRowCursor : DataViewRow
{
    /// <summary>Advances to the next row; false when there are no more rows (then the cursor is done for good).</summary>
    public abstract bool MoveNext();
}
