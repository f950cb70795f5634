namespace ClassyNet.MLNet;

/// <summary>
/// The starting point of every pipeline, as in ML.NET: catalogs of loaders (<see cref="Data"/>), transforms
/// (<see cref="Transforms"/>), trainers and metrics (<see cref="MulticlassClassification"/>) and model files
/// (<see cref="Model"/>), one source of randomness and one log. With a seed, everything random a context drives
/// (splits, shuffles, trainer initialisation) is repeatable. A context may be shared by threads; its components keep
/// their own state.
/// </summary>
public sealed class MLContext
{
    private readonly Random random;
    private readonly object gate = new();

    /// <summary>Creates a context; <paramref name="seed"/> makes its randomness repeatable (null: a different stream each run).</summary>
    public MLContext(int? seed = null)
    {
        Seed = seed;
        random = seed is int s ? new Random(s) : new Random();
        Data = new DataOperationsCatalog(this);
        Transforms = new TransformsCatalog(this);
        MulticlassClassification = new MulticlassClassificationCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>Raised for every message a component of this context writes; <see cref="LoggingEventArgs.Message"/> reads <c>[Source=..., Kind=...] message</c>.</summary>
    public event EventHandler<LoggingEventArgs>? Log;

    /// <summary>The seed given at construction.</summary>
    public int? Seed { get; }

    /// <summary>Loading, saving, splitting, shuffling and filtering data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Data transforms.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Multiclass trainers and evaluation.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Saving and loading models and creating prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>The next seed from the context's random stream (for a component that needs its own <see cref="Random"/>).</summary>
    public int NextSeed()
    {
        lock (gate)
        {
            return random.Next();
        }
    }

    /// <summary>A new <see cref="Random"/> seeded from the context: <paramref name="seed"/> when given, else <see cref="NextSeed"/>.</summary>
    public Random CreateRandom(int? seed = null) => new(seed ?? NextSeed());

    /// <summary>Raises <see cref="Log"/> with a message from <paramref name="source"/>.</summary>
    public void WriteLog(string source, ChannelMessageKind kind, string message)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(message);
        Log?.Invoke(this, new LoggingEventArgs(message, kind, source));
    }
}
