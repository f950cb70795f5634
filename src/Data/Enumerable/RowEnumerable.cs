namespace ClassyNet.MLNet.Data;

/// <summary>The rows of a data view as row objects (ML.NET's <c>CreateEnumerable</c>): each enumeration opens a cursor.</summary>
/// <typeparam name="TRow">The row class.</typeparam>
internal sealed class RowEnumerable<TRow> : IEnumerable<TRow>
    where TRow : class, new()
{
    private readonly IDataView data;
    private readonly bool reuseRowObject;
    private readonly (PocoColumn Member, DataViewSchema.Column Column)[] bindings;

    public RowEnumerable(IDataView data, bool reuseRowObject, bool ignoreMissingColumns)
    {
        this.data = data;
        this.reuseRowObject = reuseRowObject;
        bindings = Bind(data.Schema, ignoreMissingColumns);
    }

    /// <summary>Pairs the writable members of <typeparamref name="TRow"/> with the columns of <paramref name="schema"/>.</summary>
    public static (PocoColumn Member, DataViewSchema.Column Column)[] Bind(DataViewSchema schema, bool ignoreMissingColumns)
    {
        var result = new List<(PocoColumn, DataViewSchema.Column)>();
        foreach (var member in PocoColumn.For(typeof(TRow)).Where(c => c.CanWrite))
        {
            if (schema.GetColumnOrNull(member.Name) is not { } column)
            {
                if (ignoreMissingColumns)
                {
                    continue;
                }

                throw new InvalidOperationException($"Column '{member.Name}' (for member {member.Describe()}) is not in the data; its columns are {schema.Describe()}.");
            }

            if (!member.Accepts(column.Type))
            {
                throw new InvalidOperationException($"Column '{member.Name}' has type {column.Type}; member {member.Describe()} expects {member.Type}.");
            }

            result.Add((member, column));
        }

        return [.. result];
    }

    /// <summary>Creates the setters that copy the current row of <paramref name="row"/> into a row object.</summary>
    public static Action<TRow> MakeFiller(DataViewRow row, (PocoColumn Member, DataViewSchema.Column Column)[] bindings, bool reuse)
    {
        var setters = bindings.Select(b => b.Member.MakeSetter<TRow>(row, b.Column, reuse)).ToArray();
        return target =>
        {
            foreach (var set in setters)
            {
                set(target);
            }
        };
    }

    public IEnumerator<TRow> GetEnumerator()
    {
        using var cursor = data.GetRowCursor(bindings.Select(b => b.Column));
        var fill = MakeFiller(cursor, bindings, reuseRowObject);
        TRow? shared = null;
        while (cursor.MoveNext())
        {
            var row = reuseRowObject ? shared ??= new TRow() : new TRow();
            fill(row);
            yield return row;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
