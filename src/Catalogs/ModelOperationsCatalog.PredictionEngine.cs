using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet;

/// <content>Prediction engines.</content>
public sealed partial class ModelOperationsCatalog
{
    /// <summary>
    /// A prediction engine for <paramref name="transformer"/> from <typeparamref name="TSrc"/> to
    /// <typeparamref name="TDst"/>. With <paramref name="ignoreMissingColumns"/> (the default), members of
    /// <typeparamref name="TDst"/> without a matching output column are left alone; otherwise they throw naming the column.
    /// The engine is not thread-safe.
    /// </summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true)
        where TSrc : class
        where TDst : class, new() => new(transformer, ignoreMissingColumns, null);

    /// <summary>
    /// As <see cref="CreatePredictionEngine{TSrc, TDst}(ITransformer, bool)"/>, taking the input columns' types and
    /// annotations from <paramref name="inputSchema"/> (for example the schema <see cref="Load(string, out DataViewSchema)"/> returns).
    /// </summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, DataViewSchema inputSchema, bool ignoreMissingColumns = true)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new(transformer, ignoreMissingColumns, inputSchema);
    }
}
