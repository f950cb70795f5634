namespace ClassyNet.MLNet.Data;

/// <summary>
/// A data view over a sequence of row objects (ML.NET's <c>LoadFromEnumerable</c>): read lazily, one object per row.
/// A list can be shuffled and has a known count; other sequences are enumerated once per cursor.
/// </summary>
/// <typeparam name="TRow">The row class.</typeparam>
internal sealed class EnumerableDataView<TRow> : IDataView
    where TRow : class
{
    private readonly IEnumerable<TRow> source;
    private readonly PocoColumn[] columns;

    public EnumerableDataView(IEnumerable<TRow> source, DataViewSchema? schema)
    {
        this.source = source;
        columns = [.. PocoColumn.For(typeof(TRow)).Where(c => c.CanRead)];
        Schema = BuildSchema(columns, schema);
    }

    /// <summary>The schema of <paramref name="columns"/>, taking types and annotations from <paramref name="schema"/> where it names them.</summary>
    internal static DataViewSchema BuildSchema(PocoColumn[] columns, DataViewSchema? schema)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var column in columns)
        {
            var given = schema?.GetColumnOrNull(column.Name);
            if (given is { } g && !g.Type.Equals(column.Type))
            {
                if (!column.Accepts(g.Type) || g.Type.RawType != column.Type.RawType)
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"The schema gives column '{column.Name}' type {g.Type}, but member {column.Describe()} maps to {column.Type}.");
                }
            }

            builder.AddColumn(column.Name, given?.Type ?? column.Type, given?.Annotations);
        }

        return builder.ToSchema();
    }

    public bool CanShuffle => source is IReadOnlyList<TRow> or IList<TRow>;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source switch
    {
        IReadOnlyCollection<TRow> c => c.Count,
        ICollection<TRow> c => c.Count,
        _ => null,
    };

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        return new Cursor(this, columnsNeeded, CanShuffle ? rand : null);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : RowCursorBase
    {
        private readonly EnumerableDataView<TRow> parent;
        private readonly IEnumerator<TRow>? enumerator;
        private readonly int[]? order;
        private readonly IReadOnlyList<TRow>? list;
        private readonly Delegate?[] getters;
        private TRow? current;
        private long index = -1;

        public Cursor(EnumerableDataView<TRow> parent, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand)
            : base(parent.Schema, columnsNeeded)
        {
            this.parent = parent;
            if (rand is not null)
            {
                list = parent.source as IReadOnlyList<TRow> ?? ((IList<TRow>)parent.source).AsReadOnly();
                order = [.. Enumerable.Range(0, list.Count)];
                rand.Shuffle(order);
            }
            else
            {
                enumerator = parent.source.GetEnumerator();
            }

            getters = new Delegate?[parent.columns.Length];
            for (int i = 0; i < getters.Length; i++)
            {
                if (IsColumnActive(Schema[i]))
                {
                    getters[i] = parent.columns[i].MakeGetter(() => current ?? throw new InvalidOperationException("The cursor is not on a row; call MoveNext first."));
                }
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)index, 0);

        protected override bool MoveNextCore()
        {
            long next = Position + 1;
            if (order is not null)
            {
                if (next >= order.Length)
                {
                    current = null;
                    return false;
                }

                index = order[next];
                current = list![(int)index];
            }
            else
            {
                if (!enumerator!.MoveNext())
                {
                    current = null;
                    return false;
                }

                index = next;
                current = enumerator.Current;
            }

            if (current is null)
            {
                throw new InvalidOperationException($"Row {index} of the {typeof(TRow).Name} sequence is null.");
            }

            return true;
        }

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column) => (ValueGetter<TValue>)getters[column.Index]!;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                enumerator?.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
