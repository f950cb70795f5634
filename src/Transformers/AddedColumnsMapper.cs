using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// A row-to-row mapper that passes every input column through and appends columns computed from a few of them: the
/// mapper behind <see cref="ITransformer.GetRowToRowMapper"/> (and so behind ML.NET's prediction engine) of the
/// ClassyNet transformers. The output schema is the input schema followed by the added columns (an added column hides
/// an input column of the same name, as in ML.NET).
/// </summary>
internal abstract class AddedColumnsMapper : IRowToRowMapper
{
    protected AddedColumnsMapper(DataViewSchema inputSchema, DataViewSchema.DetachedColumn[] added, IReadOnlyList<DataViewSchema.Column> inputsUsed)
    {
        InputSchema = inputSchema;
        InputsUsed = inputsUsed;
        AddedCount = added.Length;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumns(added);
        OutputSchema = builder.ToSchema();
    }

    /// <inheritdoc/>
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc/>
    public DataViewSchema OutputSchema { get; }

    /// <summary>The input columns the added columns are computed from.</summary>
    public IReadOnlyList<DataViewSchema.Column> InputsUsed { get; }

    /// <summary>Number of added columns (they are the last columns of <see cref="OutputSchema"/>).</summary>
    public int AddedCount { get; }

    /// <summary>True when output column <paramref name="column"/> is an added one.</summary>
    public bool IsAdded(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

    /// <inheritdoc/>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = new SortedSet<int>();
        foreach (var column in dependingColumns)
        {
            if (IsAdded(column))
            {
                needed.UnionWith(InputsUsed.Select(c => c.Index));
            }
            else
            {
                needed.Add(column.Index);
            }
        }

        return [.. needed.Select(i => InputSchema[i])];
    }

    /// <inheritdoc/>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        var active = activeColumns.Select(c => c.Index).ToHashSet();
        int first = InputSchema.Count;
        var getters = CreateGetters(input, i => active.Contains(first + i));
        return new Row(this, input, getters, active);
    }

    /// <summary>
    /// Getters of the added columns over <paramref name="input"/> (a row of <see cref="InputSchema"/>), one per added
    /// column, null where <paramref name="isActive"/> says the column is not read.
    /// </summary>
    protected abstract Delegate?[] CreateGetters(DataViewRow input, Func<int, bool> isActive);

    /// <summary>An output row: input columns from the input row, added columns from the mapper's getters.</summary>
    private sealed class Row(AddedColumnsMapper mapper, DataViewRow input, Delegate?[] getters, HashSet<int> active) : DataViewRow
    {
        public override DataViewSchema Schema => mapper.OutputSchema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) =>
            mapper.IsAdded(column) ? active.Contains(column.Index) : input.IsColumnActive(mapper.InputSchema[column.Index]);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!mapper.IsAdded(column))
            {
                return input.GetGetter<TValue>(mapper.InputSchema[column.Index]);
            }

            return getters[column.Index - mapper.InputSchema.Count] switch
            {
                ValueGetter<TValue> getter => getter,
                null => throw new InvalidOperationException($"Column '{column.Name}' is not active in this row; list it among the active columns."),
                _ => throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}; it cannot be read as {typeof(TValue).Name}."),
            };
        }
    }
}
