using Microsoft.Extensions.Primitives;
using Microsoft.ML;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>Supplies a model to a <see cref="PredictionEnginePool{TData, TPrediction}"/> and says when it changed.</summary>
public abstract class ModelLoader
{
    /// <summary>The current model.</summary>
    public abstract ITransformer GetModel();

    /// <summary>The input schema saved with the current model, or null.</summary>
    public abstract DataViewSchema? GetInputSchema();

    /// <summary>A token that fires once the model has been replaced (ask again for the next change).</summary>
    public abstract IChangeToken GetReloadToken();
}
