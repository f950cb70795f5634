namespace ClassyNet.MLNet.Data;

/// <summary>
/// A view whose cursors visit the input in a random order: the input's own shuffling when it can and
/// <c>shuffleSource</c> is set, then a pool of <c>poolSize</c> buffered rows drawn at random (so a streaming source is
/// mixed too). Without a Random, a cursor uses one seeded from the view's seed, so every read gives the same order.
/// </summary>
internal sealed class ShuffledView(IDataView input, int seed, int poolSize, bool shuffleSource) : IDataView
{
    public bool CanShuffle => true;

    public DataViewSchema Schema => input.Schema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToArray();
        rand ??= new Random(seed);
        var source = input.GetRowCursor(needed, shuffleSource && input.CanShuffle ? new Random(rand.Next()) : null);
        return poolSize <= 1 ? source : new PoolCursor(source, needed, poolSize, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class PoolCursor : RowCursorBase
    {
        private readonly DataViewRowCursor input;
        private readonly Random rand;
        private readonly ColumnBuffer[] buffers;
        private readonly ColumnBuffer<DataViewRowId> ids;
        private readonly Delegate?[] getters;
        private int count;
        private int current = -1;
        private bool inputDone;

        public PoolCursor(DataViewRowCursor input, DataViewSchema.Column[] needed, int poolSize, Random rand)
            : base(input.Schema, needed)
        {
            this.input = input;
            this.rand = rand;
            buffers = [.. needed.DistinctBy(c => c.Index).Select(c => ColumnBuffer.Create(input, c, poolSize))];
            ids = ColumnBuffer.CreateIds(input, poolSize);
            getters = new Delegate?[Schema.Count];
            var distinct = needed.DistinctBy(c => c.Index).ToArray();
            for (int i = 0; i < distinct.Length; i++)
            {
                getters[distinct[i].Index] = buffers[i].MakeGetter(() => current);
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ValueGetter<DataViewRowId>)ids.MakeGetter(() => current);

        protected override bool MoveNextCore()
        {
            if (Position < 0)
            {
                while (count < ids.Capacity && input.MoveNext())
                {
                    Capture(count++);
                }

                inputDone = count < ids.Capacity;
            }
            else if (!inputDone && input.MoveNext())
            {
                Capture(current);
            }
            else
            {
                inputDone = true;
                count--;
                Swap(current, count);
            }

            if (count == 0)
            {
                return false;
            }

            current = rand.Next(count);
            return true;
        }

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column) => (ValueGetter<TValue>)getters[column.Index]!;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Capture(int slot)
        {
            foreach (var b in buffers)
            {
                b.Capture(slot);
            }

            ids.Capture(slot);
        }

        private void Swap(int a, int b)
        {
            foreach (var buffer in buffers)
            {
                buffer.Swap(a, b);
            }

            ids.Swap(a, b);
        }
    }
}
