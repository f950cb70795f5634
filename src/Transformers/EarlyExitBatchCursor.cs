using ClassyNet.MLNet.Inference;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The cursor of <see cref="EarlyExitScoringTransformer.Transform"/>'s output when an added column is read: it reads the
/// input <see cref="EarlyExitScoringTransformer.BatchSize"/> rows at a time, runs batched early exit on the batch and then
/// serves its rows. The input columns a consumer reads are copied for the rows of the batch, so memory is bounded by one
/// batch.
/// </summary>
internal sealed class EarlyExitBatchCursor : DataViewRowCursor
{
    private readonly EarlyExitScoringTransformer scorer;
    private readonly AddedColumnsMapper mapper;
    private readonly FeatureColumn features;
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

    /// <summary>A cursor over <paramref name="source"/> (a cursor of the mapper's input) serving the output columns <paramref name="needed"/>.</summary>
    public EarlyExitBatchCursor(EarlyExitScoringTransformer scorer, AddedColumnsMapper mapper, FeatureColumn features, DataViewRowCursor source, DataViewSchema.Column[] needed)
    {
        this.scorer = scorer;
        this.mapper = mapper;
        this.features = features;
        this.source = source;
        active = needed.Select(c => c.Index).ToHashSet();
        int capacity = scorer.BatchSize;
        foreach (var column in needed.Where(c => !mapper.IsAdded(c)))
        {
            passThrough[column.Index] = ColumnBuffer.Create(source, mapper.InputSchema[column.Index], capacity);
        }

        int first = mapper.InputSchema.Count;
        outputs = scorer.OutputGetters(Current, i => active.Contains(first + i));
        getFeatures = source.GetGetter<VBuffer<float>>(features.Column);
        getId = source.GetIdGetter();
        inputs = new float[capacity * scorer.SampleSize];
        ids = new DataViewRowId[capacity];
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => mapper.OutputSchema;

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

        var getter = mapper.IsAdded(column) ? outputs[column.Index - mapper.InputSchema.Count] : passThrough[column.Index].Getter(CheckedSlot);
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
        int size = scorer.SampleSize;
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
            features.CopyChecked(buffer, inputs.AsSpan(count * size, size), source.Position);
            count++;
        }

        if (count == 0)
        {
            return false;
        }

        predictions = scorer.Predict(inputs.AsSpan(0, count * size), count).Predictions;
        return true;
    }

    private int CheckedSlot() => slot >= 0 ? slot : throw new InvalidOperationException("The cursor is not on a row; call MoveNext first.");

    private EarlyExitPrediction Current() => predictions[CheckedSlot()];
}
