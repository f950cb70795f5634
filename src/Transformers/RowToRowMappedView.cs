using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The lazy result of a row-to-row transformer: the input's columns plus the mapper's outputs, computed as a cursor
/// moves (row by row, or a batch of <see cref="RowToRowMapperBase.BatchSize"/> rows at a time).
/// </summary>
internal sealed class RowToRowMappedView : IDataView
{
    private readonly IDataView input;
    private readonly RowToRowMapperBase mapper;

    public RowToRowMappedView(IDataView input, RowToRowMapperBase mapper)
    {
        this.input = input;
        this.mapper = mapper;
    }

    public bool CanShuffle => input.CanShuffle;

    public DataViewSchema Schema => mapper.OutputSchema;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToArray();
        int inputCount = mapper.InputSchema.Count;
        var activeOutputs = new bool[mapper.OutputColumns.Count];
        foreach (var c in needed)
        {
            DataViewChecks.CheckColumnOfSchema(Schema, c);
            if (c.Index >= inputCount)
            {
                activeOutputs[c.Index - inputCount] = true;
            }
        }

        var passthrough = needed.Where(c => c.Index < inputCount).Select(c => input.Schema[c.Index]);
        var dependencies = mapper.DependenciesOf(i => activeOutputs[i]).ToArray();
        var inputCursor = input.GetRowCursor(passthrough.Concat(dependencies).DistinctBy(c => c.Index).ToArray(), rand);
        bool batched = mapper.BatchSize > 0 && activeOutputs.Any(a => a);
        return batched
            ? new BatchCursor(mapper, inputCursor, needed, activeOutputs, dependencies)
            : new MappedRowCursor(mapper, inputCursor, needed, activeOutputs);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Row by row: input columns pass through, outputs come from the mapper's getters over the input row.</summary>
    internal sealed class MappedRowCursor : RowCursorBase
    {
        private readonly DataViewRow input;
        private readonly int inputCount;
        private readonly Delegate?[] getters;
        private readonly bool ownsInput;

        public MappedRowCursor(RowToRowMapperBase mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> needed, bool[] activeOutputs, bool ownsInput = true)
            : base(mapper.OutputSchema, needed)
        {
            this.input = input;
            this.ownsInput = ownsInput;
            inputCount = mapper.InputSchema.Count;
            getters = mapper.CreateRowGetters(input, i => activeOutputs[i]);
        }

        public override long Batch => input.Batch;

        /// <summary>The input's position: a cursor moves in step with it, a mapped row follows it.</summary>
        public override long Position => input.Position;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        protected override bool MoveNextCore() => input is DataViewRowCursor cursor ? cursor.MoveNext() : throw new InvalidOperationException("This row follows its input row; move the input instead.");

        protected override ValueGetter<TValue> GetGetterCore<TValue>(DataViewSchema.Column column) =>
            column.Index < inputCount ? input.GetGetter<TValue>(input.Schema[column.Index]) : (ValueGetter<TValue>)getters[column.Index - inputCount]!;

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsInput)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Batched: buffers up to BatchSize input rows (their active columns and ids), maps them at once, serves them in order.</summary>
    private sealed class BatchCursor : RowCursorBase
    {
        private readonly RowToRowMapperBase mapper;
        private readonly DataViewRowCursor input;
        private readonly int inputCount;
        private readonly RowBatch batch;
        private readonly ColumnBuffer<DataViewRowId> ids;
        private readonly Delegate?[] getters;
        private int slot = -1;
        private bool inputDone;

        public BatchCursor(RowToRowMapperBase mapper, DataViewRowCursor input, DataViewSchema.Column[] needed, bool[] activeOutputs, DataViewSchema.Column[] dependencies)
            : base(mapper.OutputSchema, needed)
        {
            this.mapper = mapper;
            this.input = input;
            inputCount = mapper.InputSchema.Count;
            int capacity = mapper.BatchSize;
            batch = new RowBatch(mapper, input, capacity, i => activeOutputs[i], dependencies);
            foreach (var c in needed.Where(c => c.Index < inputCount))
            {
                if (batch.InputBuffer(c.Index) is null)
                {
                    batch.AddInputBuffer(c.Index, ColumnBuffer.Create(input, input.Schema[c.Index], capacity));
                }
            }

            ids = ColumnBuffer.CreateIds(input, capacity);
            getters = new Delegate?[Schema.Count];
            foreach (var c in needed)
            {
                getters[c.Index] = c.Index < inputCount
                    ? batch.InputBuffer(c.Index)!.MakeGetter(() => slot)
                    : batch.MakeOutputGetter(c.Index - inputCount, () => slot, static () => { });
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
        {
            var getter = (ValueGetter<DataViewRowId>)ids.MakeGetter(() => slot);
            return getter;
        }

        protected override bool MoveNextCore()
        {
            if (slot + 1 < batch.Count)
            {
                slot++;
                return true;
            }

            if (inputDone)
            {
                return false;
            }

            int count = 0;
            while (count < batch.Capacity && input.MoveNext())
            {
                batch.Fill(count);
                ids.Capture(count);
                count++;
            }

            inputDone = count < batch.Capacity;
            batch.SetCount(count);
            if (count == 0)
            {
                return false;
            }

            mapper.RunBatch(batch);
            slot = 0;
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
    }
}
