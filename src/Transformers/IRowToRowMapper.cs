using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>Maps one input row to one output row (what a prediction engine runs).</summary>
public interface IRowToRowMapper
{
    /// <summary>The schema of input rows.</summary>
    DataViewSchema InputSchema { get; }

    /// <summary>The schema of output rows.</summary>
    DataViewSchema OutputSchema { get; }

    /// <summary>The input columns needed to compute <paramref name="dependingColumns"/> (columns of <see cref="OutputSchema"/>).</summary>
    IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);

    /// <summary>
    /// An output row over <paramref name="input"/> with <paramref name="activeColumns"/> readable; its getters read the
    /// input row's current values, so it follows the input as that moves.
    /// </summary>
    DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
}
