using System.Reflection;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// The heart of a row-to-row transformer, bound to one input schema: the columns it adds and how to compute them.
/// Derived classes describe their outputs (<see cref="GetOutputColumnsCore"/>) and the inputs each needs
/// (<see cref="GetDependencies"/>), and compute values in one of two ways:
/// <list type="bullet">
/// <item><b>Per row</b>: override <see cref="MakeGetter"/> to return a <see cref="ValueGetter{TValue}"/> of the output's
/// raw type that reads the input row's current values.</item>
/// <item><b>In batches</b>: return a positive <see cref="BatchSize"/> and override <see cref="MapBatch"/>, which receives
/// the inputs of up to <see cref="BatchSize"/> rows at once and fills the outputs of all of them (a neural scorer runs
/// its network once per batch). When a transformed view is read in bulk, its cursor buffers that many input rows,
/// calls <see cref="MapBatch"/> and then serves the rows one by one. A single row (a prediction engine,
/// <see cref="IRowToRowMapper.GetRow"/>) is mapped with <see cref="MakeGetter"/> when it is overridden, else as a batch
/// of one row.</item>
/// </list>
/// Output column i of the bound mapper is column <c>InputSchema.Count + i</c> of the output schema; an output with the
/// name of an input column hides it.
/// </summary>
public abstract class RowToRowMapperBase
{
    private DataViewSchema.DetachedColumn[]? outputs;
    private DataViewSchema? outputSchema;

    /// <summary>Binds the mapper to <paramref name="inputSchema"/>.</summary>
    protected RowToRowMapperBase(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputSchema = inputSchema;
    }

    /// <summary>The input schema the mapper is bound to.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>The columns the mapper adds, in order.</summary>
    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs ??= GetOutputColumnsCore();

    /// <summary>The input columns followed by <see cref="OutputColumns"/>.</summary>
    public DataViewSchema OutputSchema
    {
        get
        {
            if (outputSchema is null)
            {
                var builder = new DataViewSchema.Builder();
                builder.AddColumns(InputSchema);
                builder.AddColumns(OutputColumns);
                outputSchema = builder.ToSchema();
            }

            return outputSchema;
        }
    }

    /// <summary>Rows per <see cref="MapBatch"/> call when a view is read in bulk; 0 (the default) maps row by row.</summary>
    public virtual int BatchSize => 0;

    /// <summary>True when the derived class overrides <see cref="MakeGetter"/>.</summary>
    internal bool HasRowGetters => GetType().GetMethod(nameof(MakeGetter), BindingFlags.Instance | BindingFlags.NonPublic, [typeof(DataViewRow), typeof(int)])!.DeclaringType != typeof(RowToRowMapperBase);

    /// <summary>The input columns output <paramref name="outputIndex"/> is computed from.</summary>
    public abstract IEnumerable<DataViewSchema.Column> GetDependencies(int outputIndex);

    /// <summary>Creates the output column descriptions (called once).</summary>
    protected abstract DataViewSchema.DetachedColumn[] GetOutputColumnsCore();

    /// <summary>
    /// A <see cref="ValueGetter{TValue}"/> (TValue = the output's raw type) for output <paramref name="outputIndex"/> that
    /// reads <paramref name="input"/>'s current row; the getter must copy into the caller's buffer, never hand out its own.
    /// </summary>
    protected virtual Delegate MakeGetter(DataViewRow input, int outputIndex) =>
        throw new NotSupportedException($"{GetType().Name} overrides neither MakeGetter nor MapBatch.");

    /// <summary>Computes the outputs of <see cref="RowBatch.Count"/> rows (only active outputs need be filled).</summary>
    protected virtual void MapBatch(RowBatch batch) =>
        throw new NotSupportedException($"{GetType().Name} has BatchSize {BatchSize} but does not override MapBatch.");

    /// <summary>Calls <see cref="MapBatch"/>.</summary>
    internal void RunBatch(RowBatch batch) => MapBatch(batch);

    /// <summary>The input columns needed for the active outputs.</summary>
    internal IEnumerable<DataViewSchema.Column> DependenciesOf(Func<int, bool> activeOutput) =>
        Enumerable.Range(0, OutputColumns.Count).Where(activeOutput).SelectMany(GetDependencies).DistinctBy(c => c.Index);

    /// <summary>Getters for the active outputs over a moving input row (per-row mode, or batches of one row).</summary>
    internal Delegate?[] CreateRowGetters(DataViewRow input, Func<int, bool> activeOutput)
    {
        var getters = new Delegate?[OutputColumns.Count];
        if (!getters.Where((_, i) => activeOutput(i)).Any())
        {
            return getters;
        }

        if (HasRowGetters || BatchSize <= 0)
        {
            for (int i = 0; i < getters.Length; i++)
            {
                if (activeOutput(i))
                {
                    getters[i] = MakeGetter(input, i);
                }
            }

            return getters;
        }

        var batch = new RowBatch(this, input, 1, activeOutput, DependenciesOf(activeOutput));
        long computedAt = -1;
        void Ensure()
        {
            if (computedAt != input.Position || input.Position < 0)
            {
                batch.Fill(0);
                batch.SetCount(1);
                MapBatch(batch);
                computedAt = input.Position;
            }
        }

        for (int i = 0; i < getters.Length; i++)
        {
            if (activeOutput(i))
            {
                getters[i] = batch.MakeOutputGetter(i, () => 0, Ensure);
            }
        }

        return getters;
    }
}
