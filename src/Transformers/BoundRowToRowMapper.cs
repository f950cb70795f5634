using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>The <see cref="IRowToRowMapper"/> of one <see cref="RowToRowMapperBase"/>.</summary>
internal sealed class BoundRowToRowMapper : IRowToRowMapper
{
    private readonly RowToRowMapperBase mapper;

    public BoundRowToRowMapper(RowToRowMapperBase mapper) => this.mapper = mapper;

    public DataViewSchema InputSchema => mapper.InputSchema;

    public DataViewSchema OutputSchema => mapper.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = dependingColumns.ToArray();
        int inputCount = InputSchema.Count;
        var active = new bool[mapper.OutputColumns.Count];
        foreach (var c in needed)
        {
            DataViewChecks.CheckColumnOfSchema(OutputSchema, c);
            if (c.Index >= inputCount)
            {
                active[c.Index - inputCount] = true;
            }
        }

        return needed.Where(c => c.Index < inputCount).Select(c => InputSchema[c.Index])
            .Concat(mapper.DependenciesOf(i => active[i])).DistinctBy(c => c.Index).OrderBy(c => c.Index).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        if (!ReferenceEquals(input.Schema, InputSchema) && input.Schema.Count != InputSchema.Count)
        {
            throw new ArgumentException($"The input row's schema ({input.Schema.Describe()}) is not the mapper's input schema ({InputSchema.Describe()}).", nameof(input));
        }

        var needed = activeColumns.ToArray();
        int inputCount = InputSchema.Count;
        var active = new bool[mapper.OutputColumns.Count];
        foreach (var c in needed.Where(c => c.Index >= inputCount))
        {
            active[c.Index - inputCount] = true;
        }

        return new RowToRowMappedView.MappedRowCursor(mapper, input, needed, active, ownsInput: false);
    }
}
