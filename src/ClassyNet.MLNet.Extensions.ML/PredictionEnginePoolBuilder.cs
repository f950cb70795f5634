using Microsoft.Extensions.DependencyInjection;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>Registers the models of a <see cref="PredictionEnginePool{TData, TPrediction}"/> (<c>FromFile</c>).</summary>
/// <typeparam name="TData">The input class.</typeparam>
/// <typeparam name="TPrediction">The output class.</typeparam>
public sealed class PredictionEnginePoolBuilder<TData, TPrediction>
    where TData : class
    where TPrediction : class, new()
{
    internal PredictionEnginePoolBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Serves the ClassyNet model file (<c>mlContext.Model.SaveClassyNet</c>) at <paramref name="filePath"/> as the default model; with <paramref name="watchForChanges"/> it is reloaded when the file changes.</summary>
    public PredictionEnginePoolBuilder<TData, TPrediction> FromFile(string filePath, bool watchForChanges = true) =>
        FromFile(Microsoft.Extensions.Options.Options.DefaultName, filePath, watchForChanges);

    /// <summary>Serves the ClassyNet model file (<c>mlContext.Model.SaveClassyNet</c>) at <paramref name="filePath"/> as <paramref name="modelName"/>; with <paramref name="watchForChanges"/> it is reloaded when the file changes.</summary>
    public PredictionEnginePoolBuilder<TData, TPrediction> FromFile(string modelName, string filePath, bool watchForChanges = true)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        Services.AddOptions<PredictionEnginePoolOptions<TData, TPrediction>>(modelName)
            .Configure<Microsoft.Extensions.Options.IOptions<MLOptions>>((options, ml) => options.ModelLoader = new FileModelLoader(ml.Value.MLContext, filePath, watchForChanges));
        return this;
    }
}
