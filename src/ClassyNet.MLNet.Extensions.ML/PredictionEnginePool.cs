using System.Collections.Concurrent;
using ClassyNet.MLNet.Transformers;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>
/// A thread-safe way to predict with models that prediction engines (which are not thread-safe) serve: per named model
/// an <see cref="ObjectPool{T}"/> of engines. When a model's loader reports a change, a new pool is built over the new
/// model and swapped in; requests already running finish on the engine they took from the old pool, so none is dropped.
/// Register it with <c>services.AddPredictionEnginePool&lt;TData, TPrediction&gt;().FromFile(...)</c>.
/// </summary>
/// <typeparam name="TData">The input class.</typeparam>
/// <typeparam name="TPrediction">The output class.</typeparam>
public sealed class PredictionEnginePool<TData, TPrediction> : IDisposable
    where TData : class
    where TPrediction : class, new()
{
    private readonly MLContext context;
    private readonly IOptionsFactory<PredictionEnginePoolOptions<TData, TPrediction>> optionsFactory;
    private readonly ConcurrentDictionary<string, Lazy<NamedPool>> pools = new(StringComparer.Ordinal);

    /// <summary>Creates the pool (the DI container calls this).</summary>
    public PredictionEnginePool(IOptions<MLOptions> mlOptions, IOptionsFactory<PredictionEnginePoolOptions<TData, TPrediction>> optionsFactory)
    {
        ArgumentNullException.ThrowIfNull(mlOptions);
        ArgumentNullException.ThrowIfNull(optionsFactory);
        context = mlOptions.Value.MLContext;
        this.optionsFactory = optionsFactory;
    }

    /// <summary>Predicts with the default (unnamed) model.</summary>
    public TPrediction Predict(TData example) => Predict(Options.DefaultName, example);

    /// <summary>Predicts with the model registered as <paramref name="modelName"/>.</summary>
    public TPrediction Predict(string modelName, TData example)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(example);
        var generation = Pool(modelName).Current;
        var engine = generation.Engines.Get();
        try
        {
            return engine.Predict(example);
        }
        finally
        {
            generation.Engines.Return(engine);
        }
    }

    /// <summary>The model currently serving <paramref name="modelName"/> (default: the unnamed model).</summary>
    public ITransformer GetModel(string? modelName = null) => Pool(modelName ?? Options.DefaultName).Current.Model;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var pool in pools.Values.Where(p => p.IsValueCreated))
        {
            pool.Value.Dispose();
        }
    }

    private NamedPool Pool(string name) =>
        pools.GetOrAdd(name, n => new Lazy<NamedPool>(() => new NamedPool(this, n, optionsFactory.Create(n)), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>One model's engines and how they are replaced.</summary>
    private sealed class NamedPool : IDisposable
    {
        private readonly PredictionEnginePool<TData, TPrediction> owner;
        private readonly ModelLoader loader;
        private readonly int retained;
        private readonly IDisposable subscription;
        private Generation current;

        public NamedPool(PredictionEnginePool<TData, TPrediction> owner, string name, PredictionEnginePoolOptions<TData, TPrediction> options)
        {
            this.owner = owner;
            loader = options.ModelLoader ?? throw new InvalidOperationException(
                $"No model is registered for {(name.Length == 0 ? "the default model name" : $"model name '{name}'")}; call AddPredictionEnginePool<{typeof(TData).Name}, {typeof(TPrediction).Name}>().FromFile({(name.Length == 0 ? string.Empty : $"\"{name}\", ")}path).");
            retained = Math.Max(1, options.MaximumRetained);
            current = Build();
            subscription = ChangeToken.OnChange(loader.GetReloadToken, () => Volatile.Write(ref current, Build()));
        }

        public Generation Current => Volatile.Read(ref current);

        public void Dispose()
        {
            subscription.Dispose();
            (loader as IDisposable)?.Dispose();
        }

        private Generation Build()
        {
            var model = loader.GetModel();
            var schema = loader.GetInputSchema();
            var policy = new EnginePolicy(owner.context, model, schema);
            return new Generation(model, new DefaultObjectPool<PredictionEngine<TData, TPrediction>>(policy, retained));
        }
    }

    private sealed record Generation(ITransformer Model, ObjectPool<PredictionEngine<TData, TPrediction>> Engines);

    private sealed class EnginePolicy(MLContext context, ITransformer model, ClassyNet.MLNet.Data.DataViewSchema? schema) : IPooledObjectPolicy<PredictionEngine<TData, TPrediction>>
    {
        public PredictionEngine<TData, TPrediction> Create() =>
            schema is null ? context.Model.CreatePredictionEngine<TData, TPrediction>(model) : context.Model.CreatePredictionEngine<TData, TPrediction>(model, schema);

        public bool Return(PredictionEngine<TData, TPrediction> obj) => true;
    }
}
