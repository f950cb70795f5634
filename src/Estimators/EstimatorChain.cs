using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Transformers;

namespace ClassyNet.MLNet.Estimators;

/// <summary>
/// Estimators fitted in order: each is fitted on the output of the transformers fitted before it. Build one with
/// <c>Append</c>; <see cref="Fit"/> returns the <see cref="TransformerChain{TLastTransformer}"/> of the fitted steps.
/// </summary>
/// <typeparam name="TLastTransformer">The transformer type of the last estimator.</typeparam>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] estimators;
    private readonly TransformerScope[] scopes;

    /// <summary>An empty chain, to <c>Append</c> to.</summary>
    public EstimatorChain()
        : this([], [])
    {
    }

    private EstimatorChain(IEstimator<ITransformer>[] estimators, TransformerScope[] scopes)
    {
        this.estimators = estimators;
        this.scopes = scopes;
        LastEstimator = estimators.Length == 0 ? null! : (IEstimator<TLastTransformer>)estimators[^1];
    }

    /// <summary>The last estimator (null for an empty chain).</summary>
    public IEstimator<TLastTransformer> LastEstimator { get; }

    /// <summary>The estimators in order.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => estimators;

    /// <summary>A new chain with <paramref name="estimator"/> appended.</summary>
    public EstimatorChain<TNewTransformer> Append<TNewTransformer>(IEstimator<TNewTransformer> estimator, TransformerScope scope = TransformerScope.Everything)
        where TNewTransformer : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return new EstimatorChain<TNewTransformer>([.. estimators, estimator], [.. scopes, scope]);
    }

    /// <inheritdoc/>
    public TransformerChain<TLastTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(SchemaShape.Create(input.Schema));
        var data = input;
        var fitted = new ITransformer[estimators.Length];
        for (int i = 0; i < estimators.Length; i++)
        {
            fitted[i] = estimators[i].Fit(data);
            if (i < estimators.Length - 1)
            {
                data = fitted[i].Transform(data);
            }
        }

        return new TransformerChain<TLastTransformer>(fitted, scopes);
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var shape = inputSchema;
        foreach (var e in estimators)
        {
            shape = e.GetOutputSchema(shape);
        }

        return shape;
    }
}
