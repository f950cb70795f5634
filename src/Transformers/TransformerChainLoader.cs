namespace ClassyNet.MLNet.Transformers;

/// <summary>Loads a <see cref="TransformerChain{TLastTransformer}"/> (as a chain of <see cref="ITransformer"/>).</summary>
internal static class TransformerChainLoader
{
    [ModelLoader(TransformerChain<ITransformer>.LoaderSignature)]
    internal static TransformerChain<ITransformer> Create(ModelLoadContext ctx)
    {
        ctx.CheckVersion(1, 1);
        var scopes = ctx.LoadJson<TransformerScope[]>("Scopes.json");
        var transformers = new ITransformer[scopes.Length];
        for (int i = 0; i < scopes.Length; i++)
        {
            transformers[i] = ctx.LoadModel<ITransformer>(TransformerChain<ITransformer>.TransformName(i));
        }

        return new TransformerChain<ITransformer>(transformers, scopes);
    }
}
