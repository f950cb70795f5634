using ClassyNet.MLNet.Inference;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// What <see cref="EarlyExitScoringTransformer.Transform"/> returns: a lazy view whose cursors read the input
/// <see cref="EarlyExitScoringTransformer.BatchSize"/> rows at a time, run batched early exit on the batch and then serve
/// its rows. The input columns a consumer reads are copied for the rows of the batch, so memory is bounded by one batch.
/// A cursor that reads none of the added columns runs no network at all.
/// </summary>
internal sealed class EarlyExitScoredDataView : IDataView
{
    private readonly EarlyExitScoringTransformer scorer;
    private readonly IDataView input;
    private readonly AddedColumnsMapper mapper;
    private readonly FeatureColumn features;

    public EarlyExitScoredDataView(EarlyExitScoringTransformer scorer, IDataView input, AddedColumnsMapper mapper, FeatureColumn features)
    {
        this.scorer = scorer;
        this.input = input;
        this.mapper = mapper;
        this.features = features;
    }

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
        if (!needed.Any(mapper.IsAdded))
        {
            return new MappedDataView(input, mapper).GetRowCursor(needed, rand);
        }

        var source = input.GetRowCursor(mapper.GetDependencies(needed), rand);
        return new Cursor(this, source, needed);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly EarlyExitScoredDataView parent;
        private readonly DataViewRowCursor source;
        private readonly HashSet<int> active;
        private readonly Dictionary<int, ColumnBuffer> passThrough = [];
        private readonly Delegate?[] outputs;
        private readonly ValueGetter<VBuffer<float>> getFeatures;
        private readonly ValueGetter<DataViewRowId> getId;
        private readonly float[] inputs;
        private readonly DataViewRowId[] ids;
        private VBuffer<float> buffer;
        private IReadOnlyList<EarlyExitPrediction> predictions = [];
        private int count;
        private int slot = -1;
        private long position = -1;
        private bool done;

        public Cursor(EarlyExitScoredDataView parent, DataViewRowCursor source, DataViewSchema.Column[] needed)
        {
            this.parent = parent;
            this.source = source;
            active = needed.Select(c => c.Index).ToHashSet();
            int capacity = parent.scorer.BatchSize;
            foreach (var column in needed.Where(c => !parent.mapper.IsAdded(c)))
            {
                passThrough[column.Index] = ColumnBuffer.Create(source, parent.input.Schema[column.Index], capacity);
            }

            int first = parent.input.Schema.Count;
            outputs = parent.scorer.OutputGetters(Current, i => active.Contains(first + i));
            getFeatures = source.GetGetter<VBuffer<float>>(parent.features.Column);
            getId = source.GetIdGetter();
            inputs = new float[capacity * parent.scorer.SampleSize];
            ids = new DataViewRowId[capacity];
        }

        public override DataViewSchema Schema => parent.Schema;

        public override long Position => position;

        public override long Batch => source.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = ids[CheckedSlot()];

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active.Contains(column.Index))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor; list it in the columns needed.");
            }

            var getter = parent.mapper.IsAdded(column) ? outputs[column.Index - parent.input.Schema.Count] : passThrough[column.Index].Getter(CheckedSlot);
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        public override bool MoveNext()
        {
            if (done)
            {
                return false;
            }

            if (slot + 1 >= count && !ReadBatch())
            {
                done = true;
                slot = -1;
                return false;
            }

            slot++;
            position++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                source.Dispose();
            }

            base.Dispose(disposing);
        }

        private bool ReadBatch()
        {
            int size = parent.scorer.SampleSize;
            count = 0;
            slot = -1;
            while (count < ids.Length && source.MoveNext())
            {
                getId(ref ids[count]);
                foreach (var column in passThrough.Values)
                {
                    column.Capture(count);
                }

                getFeatures(ref buffer);
                parent.features.CopyChecked(buffer, inputs.AsSpan(count * size, size), source.Position);
                count++;
            }

            if (count == 0)
            {
                return false;
            }

            predictions = parent.scorer.Predict(inputs.AsSpan(0, count * size), count).Predictions;
            return true;
        }

        private int CheckedSlot() => slot >= 0 ? slot : throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

        private EarlyExitPrediction Current() => predictions[CheckedSlot()];
    }
}
