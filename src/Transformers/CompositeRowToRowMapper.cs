using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>Several row-to-row mappers applied in sequence (the mapper of a <see cref="TransformerChain{TLastTransformer}"/>).</summary>
internal sealed class CompositeRowToRowMapper : IRowToRowMapper
{
    private readonly IRowToRowMapper[] stages;

    public CompositeRowToRowMapper(DataViewSchema inputSchema, IRowToRowMapper[] stages)
    {
        InputSchema = inputSchema;
        this.stages = stages;
        OutputSchema = stages.Length == 0 ? inputSchema : stages[^1].OutputSchema;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        IEnumerable<DataViewSchema.Column> needed = dependingColumns.ToArray();
        for (int k = stages.Length - 1; k >= 0; k--)
        {
            needed = stages[k].GetDependencies(needed).ToArray();
        }

        return needed;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (stages.Length == 0)
        {
            return input;
        }

        var perStage = new DataViewSchema.Column[stages.Length][];
        var needed = activeColumns.ToArray();
        for (int k = stages.Length - 1; k >= 0; k--)
        {
            perStage[k] = needed;
            needed = stages[k].GetDependencies(needed).ToArray();
        }

        var row = input;
        for (int k = 0; k < stages.Length; k++)
        {
            row = stages[k].GetRow(row, perStage[k]);
        }

        return row;
    }
}
