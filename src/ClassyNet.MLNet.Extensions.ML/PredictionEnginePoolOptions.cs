namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>The options of one named model of a <see cref="PredictionEnginePool{TData, TPrediction}"/>.</summary>
/// <typeparam name="TData">The input class.</typeparam>
/// <typeparam name="TPrediction">The output class.</typeparam>
public sealed class PredictionEnginePoolOptions<TData, TPrediction>
    where TData : class
    where TPrediction : class, new()
{
    /// <summary>Where the model comes from (for example a <see cref="FileModelLoader"/>); required.</summary>
    public ModelLoader? ModelLoader { get; set; }

    /// <summary>Engines kept in the pool per model. Default: twice the processor count.</summary>
    public int MaximumRetained { get; set; } = Environment.ProcessorCount * 2;
}
