using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary><c>services.AddPredictionEnginePool&lt;TData, TPrediction&gt;()</c>.</summary>
public static class PredictionEnginePoolServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="PredictionEnginePool{TData, TPrediction}"/>; add its models with the returned
    /// builder's <c>FromFile</c>.
    /// </summary>
    public static PredictionEnginePoolBuilder<TData, TPrediction> AddPredictionEnginePool<TData, TPrediction>(this IServiceCollection services)
        where TData : class
        where TPrediction : class, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton<PredictionEnginePool<TData, TPrediction>>();
        return new PredictionEnginePoolBuilder<TData, TPrediction>(services);
    }
}
