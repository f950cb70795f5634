using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>An unfitted pipeline step: learns from data and returns the <typeparamref name="TTransformer"/> that applies what it learned.</summary>
/// <typeparam name="TTransformer">The fitted transformer type.</typeparam>
public interface IEstimator<out TTransformer>
    where TTransformer : ITransformer
{
    /// <summary>Fits on <paramref name="input"/>; throws naming a missing or mistyped input column.</summary>
    TTransformer Fit(IDataView input);

    /// <summary>The shape of the schema the fitted transformer will produce from inputs of <paramref name="inputSchema"/>, without fitting.</summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
