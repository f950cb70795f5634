using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.ML;

namespace ClassyNet.MLNet.Extensions.ML;

/// <summary>
/// A thread-safe way to predict with ML.NET prediction engines (which are not thread-safe), with the API of
/// Microsoft.Extensions.ML: per named model an <see cref="ObjectPool{T}"/> of engines. When a model's loader reports a
/// change, a new pool is built over the new model and swapped in; requests already running finish on the engine they
/// took from the old pool, so none is dropped. Register it with
/// <c>services.AddPredictionEnginePool&lt;TData, TPrediction&gt;().FromFile(...)</c>.
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
    private readonly ConditionalWeakTable<PredictionEngine<TData, TPrediction>, Generation> lent = [];

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
        var engine = GetPredictionEngine(modelName);
        try
        {
            return engine.Predict(example);
        }
        finally
        {
            ReturnPredictionEngine(modelName, engine);
        }
    }

    /// <summary>The model currently serving the default (unnamed) model.</summary>
    public ITransformer GetModel() => GetModel(Options.DefaultName);

    /// <summary>The model currently serving <paramref name="modelName"/>.</summary>
    public ITransformer GetModel(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return Pool(modelName).Current.Model;
    }

    /// <summary>Takes an engine of the default model from the pool; give it back with <see cref="ReturnPredictionEngine(PredictionEngine{TData, TPrediction})"/>.</summary>
    public PredictionEngine<TData, TPrediction> GetPredictionEngine() => GetPredictionEngine(Options.DefaultName);

    /// <summary>Takes an engine of model <paramref name="modelName"/> from the pool; give it back with <see cref="ReturnPredictionEngine(string, PredictionEngine{TData, TPrediction})"/>.</summary>
    public PredictionEngine<TData, TPrediction> GetPredictionEngine(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        var generation = Pool(modelName).Current;
        var engine = generation.Engines.Get();
        lent.AddOrUpdate(engine, generation);
        return engine;
    }

    /// <summary>Gives back an engine of the default model.</summary>
    public void ReturnPredictionEngine(PredictionEngine<TData, TPrediction> engine) => ReturnPredictionEngine(Options.DefaultName, engine);

    /// <summary>
    /// Gives back an engine taken with <see cref="GetPredictionEngine(string)"/>: it goes back to the pool of the model it
    /// was made for (an engine of a model replaced since is simply let go).
    /// </summary>
    public void ReturnPredictionEngine(string modelName, PredictionEngine<TData, TPrediction> engine)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(engine);
        if (!lent.TryGetValue(engine, out var generation))
        {
            throw new ArgumentException($"This engine was not taken from the pool of model '{modelName}' (or was already returned).", nameof(engine));
        }

        lent.Remove(engine);
        if (ReferenceEquals(generation, Pool(modelName).Current))
        {
            generation.Engines.Return(engine);
        }
        else
        {
            engine.Dispose();
        }
    }

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
            var policy = new EnginePolicy(owner.context, model, loader.GetInputSchema());
            return new Generation(model, new DefaultObjectPool<PredictionEngine<TData, TPrediction>>(policy, retained));
        }
    }

    private sealed class Generation(ITransformer model, ObjectPool<PredictionEngine<TData, TPrediction>> engines)
    {
        public ITransformer Model { get; } = model;

        public ObjectPool<PredictionEngine<TData, TPrediction>> Engines { get; } = engines;
    }

    private sealed class EnginePolicy(MLContext context, ITransformer model, DataViewSchema? schema) : IPooledObjectPolicy<PredictionEngine<TData, TPrediction>>
    {
        public PredictionEngine<TData, TPrediction> Create() =>
            schema is null ? context.Model.CreatePredictionEngine<TData, TPrediction>(model) : context.Model.CreatePredictionEngine<TData, TPrediction>(model, schema);

        public bool Return(PredictionEngine<TData, TPrediction> obj) => true;
    }
}
