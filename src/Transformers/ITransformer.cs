using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>A fitted pipeline step: maps a data view to a data view, lazily.</summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>True when the transformer maps each row on its own (then <see cref="GetRowToRowMapper"/> works and a prediction engine can use it).</summary>
    bool IsRowToRowMapper { get; }

    /// <summary>The schema <see cref="Transform"/> would produce for inputs of <paramref name="inputSchema"/>; throws naming a missing or mistyped input column.</summary>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A mapper of single rows of <paramref name="inputSchema"/>; throws <see cref="InvalidOperationException"/> when <see cref="IsRowToRowMapper"/> is false.</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);

    /// <summary>The transformed view; computed lazily as cursors move.</summary>
    IDataView Transform(IDataView input);
}
