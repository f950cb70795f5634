using System.Collections;
using ClassyNet.MLNet.Data;

namespace ClassyNet.MLNet.Transformers;

/// <summary>
/// Transformers applied in order (what <c>EstimatorChain.Fit</c> returns); <see cref="LastTransformer"/> is typed so a
/// trainer's model stays reachable. Each transformer has a <see cref="TransformerScope"/>; <see cref="GetModelFor"/>
/// drops those that do not apply.
/// </summary>
/// <typeparam name="TLastTransformer">The type of the last transformer.</typeparam>
public sealed class TransformerChain<TLastTransformer> : ITransformer, IEnumerable<ITransformer>
    where TLastTransformer : class, ITransformer
{
    /// <summary>The loader signature of chains.</summary>
    internal const string LoaderSignature = "TransformerChain";

    private readonly ITransformer[] transformers;
    private readonly TransformerScope[] scopes;

    /// <summary>Creates a chain of <paramref name="transformers"/>, all with scope <see cref="TransformerScope.Everything"/>.</summary>
    public TransformerChain(params ITransformer[] transformers)
        : this(transformers, [.. transformers.Select(_ => TransformerScope.Everything)])
    {
    }

    /// <summary>Creates a chain with a scope per transformer.</summary>
    public TransformerChain(IEnumerable<ITransformer> transformers, IEnumerable<TransformerScope> scopes)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        ArgumentNullException.ThrowIfNull(scopes);
        this.transformers = [.. transformers];
        this.scopes = [.. scopes];
        if (this.transformers.Length != this.scopes.Length)
        {
            throw new ArgumentException($"{this.transformers.Length} transformers but {this.scopes.Length} scopes.", nameof(scopes));
        }

        if (this.transformers.Any(t => t is null))
        {
            throw new ArgumentException("A transformer of the chain is null.", nameof(transformers));
        }

        if (this.transformers.Length > 0 && this.transformers[^1] is not TLastTransformer)
        {
            throw new ArgumentException($"The last transformer is a {this.transformers[^1].GetType().Name}, not a {typeof(TLastTransformer).Name}.", nameof(transformers));
        }

        LastTransformer = this.transformers.Length == 0 ? null! : (TLastTransformer)this.transformers[^1];
    }

    /// <summary>The last transformer (null for an empty chain).</summary>
    public TLastTransformer LastTransformer { get; }

    /// <summary>The number of transformers.</summary>
    public int Count => transformers.Length;

    /// <summary>The scope of each transformer.</summary>
    public IReadOnlyList<TransformerScope> Scopes => scopes;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => transformers.All(t => t.IsRowToRowMapper);

    /// <summary>A new chain with <paramref name="transformer"/> appended.</summary>
    public TransformerChain<TNewLast> Append<TNewLast>(TNewLast transformer, TransformerScope scope = TransformerScope.Everything)
        where TNewLast : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return new TransformerChain<TNewLast>([.. transformers, transformer], [.. scopes, scope]);
    }

    /// <summary>The chain of the transformers whose scope includes <paramref name="scope"/>.</summary>
    public TransformerChain<ITransformer> GetModelFor(TransformerScope scope)
    {
        var keep = Enumerable.Range(0, transformers.Length).Where(i => (scopes[i] & scope) != 0).ToArray();
        return new TransformerChain<ITransformer>(keep.Select(i => transformers[i]), keep.Select(i => scopes[i]));
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var schema = inputSchema;
        foreach (var t in transformers)
        {
            schema = t.GetOutputSchema(schema);
        }

        return schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var data = input;
        foreach (var t in transformers)
        {
            data = t.Transform(data);
        }

        return data;
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var stages = new IRowToRowMapper[transformers.Length];
        var schema = inputSchema;
        for (int i = 0; i < transformers.Length; i++)
        {
            if (!transformers[i].IsRowToRowMapper)
            {
                throw new InvalidOperationException($"Transformer {i} of the chain ({transformers[i].GetType().Name}) does not map rows one by one, so the chain has no row-to-row mapper.");
            }

            stages[i] = transformers[i].GetRowToRowMapper(schema);
            schema = stages[i].OutputSchema;
        }

        return new CompositeRowToRowMapper(inputSchema, stages);
    }

    /// <inheritdoc/>
    public void Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ctx.SetVersionInfo(LoaderSignature, 1);
        ctx.SaveJson("Scopes.json", scopes);
        for (int i = 0; i < transformers.Length; i++)
        {
            ctx.SaveModel(transformers[i], TransformName(i));
        }
    }

    /// <inheritdoc/>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)transformers).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The subfolder of transformer <paramref name="index"/>.</summary>
    internal static string TransformName(int index) => $"Transform_{index:D3}";
}
