using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using TorchSharp;

namespace ClassyNet.MLNet.Inference;

/// <summary>
/// Everything needed to run ClassyNet early exit on new data: the architecture (<see cref="NetworkSpec"/>) and its trained
/// <see cref="MultiExitNetwork"/>, the exit class sets (Bag-of-Classes on or off), the per-exit thresholds and exit
/// policy, the input shape and the normalisation used at training, optional class names, and training metadata.
/// </summary>
/// <remarks>
/// <see cref="Save(string)"/> writes a zip (the <em>model bundle</em>) with three entries: <c>manifest.json</c> (format
/// <c>classynet-model</c>, version 1, exit classes, thresholds, policy, input shape, normalisation, class names,
/// metadata), <c>spec.json</c> (<see cref="NetworkSpec.ToJson"/>) and <c>weights.safetensors</c> (the network's state
/// dict as written by TorchSharp.PyBridge, PyTorch names and order: <c>safetensors.torch.load_file</c> reads it). Writing to a path is atomic: the bundle goes to a temporary file in the same folder that is
/// renamed over the target only once complete, so a failed save leaves an existing file untouched.
/// <see cref="Load(string)"/> checks everything before returning and reports any problem as an
/// <see cref="InvalidDataException"/> naming the file and what is wrong.
/// </remarks>
public sealed class ClassyNetModel
{
    /// <summary>The manifest's <c>format</c> value.</summary>
    public const string FormatName = "classynet-model";

    /// <summary>The bundle version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Entry holding the manifest.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>Entry holding the network spec.</summary>
    public const string SpecEntry = "spec.json";

    /// <summary>Entry holding the weights.</summary>
    public const string WeightsEntry = "weights.safetensors";

    private readonly float[] _thresholds;
    private readonly IReadOnlyList<string>? _classNames;
    private readonly InputNormalization _normalization = InputNormalization.Identity;
    private readonly IReadOnlyDictionary<string, string> _metadata = new Dictionary<string, string>();

    /// <summary>
    /// Creates a model from a spec, a network built from it (<see cref="NetworkSpec.Build"/>, possibly trained), its exit
    /// class sets and the early exits' thresholds T_1..T_(M-1) (M values are accepted; the last is dropped).
    /// </summary>
    public ClassyNetModel(NetworkSpec spec, MultiExitNetwork network, ExitClassSets exitClasses, IReadOnlyList<float> thresholds, ExitPolicy policy = ExitPolicy.Entropy)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(exitClasses);
        if (network.ExitCount != spec.ExitCount || Enumerable.Range(0, spec.ExitCount).Any(m => network.Exits[m].Outputs != spec.ExitOutputs[m]))
        {
            throw new ArgumentException($"network has exits with [{string.Join(", ", network.Exits.Select(e => e.Outputs))}] outputs but the spec says [{string.Join(", ", spec.ExitOutputs)}]; build the network with spec.Build().", nameof(network));
        }

        if (exitClasses.ClassCount != spec.Classes || exitClasses.ExitCount != spec.ExitCount || !exitClasses.OutputCounts().SequenceEqual(spec.ExitOutputs))
        {
            throw new ArgumentException($"exitClasses ({exitClasses}; {exitClasses.ClassCount} classes, outputs [{string.Join(", ", exitClasses.OutputCounts())}]) do not fit the spec ({spec.Classes} classes, outputs [{string.Join(", ", spec.ExitOutputs)}]).", nameof(exitClasses));
        }

        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"policy must be {ExitPolicy.Entropy} or {ExitPolicy.MaxProbability}.");
        }

        Spec = spec;
        Network = network;
        ExitClasses = exitClasses;
        _thresholds = ExitRule.ValidateThresholds(thresholds, spec.ExitCount, nameof(thresholds));
        Policy = policy;
    }

    /// <summary>The architecture.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The network (weights live here).</summary>
    public MultiExitNetwork Network { get; }

    /// <summary>Class sets S_1..S_M of the exits (with the Bag-of-Classes flag).</summary>
    public ExitClassSets ExitClasses { get; }

    /// <summary>Thresholds T_1..T_(M-1) of the early exits.</summary>
    public IReadOnlyList<float> Thresholds => _thresholds;

    /// <summary>The exit test.</summary>
    public ExitPolicy Policy { get; }

    /// <summary>Number of classes K.</summary>
    public int ClassCount => Spec.Classes;

    /// <summary>Number of exits M.</summary>
    public int ExitCount => Spec.ExitCount;

    /// <summary>One sample's shape without the batch dimension ([C, H, W] or [F]).</summary>
    public IReadOnlyList<int> InputShape => Spec.InputShape;

    /// <summary>Class names in label order (K of them), or null when none were given.</summary>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        init
        {
            if (value is not null && (value.Count != Spec.Classes || value.Any(string.IsNullOrEmpty)))
            {
                throw new ArgumentException($"ClassNames must list {Spec.Classes} non-empty names (one per class); got {value.Count}.", nameof(ClassNames));
            }

            _classNames = value?.ToArray();
        }
    }

    /// <summary>Normalisation applied to raw samples before the network (default: none).</summary>
    public InputNormalization Normalization
    {
        get => _normalization;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Normalization));
            if (value.Mean.Count != 0 && value.Mean.Count != Spec.InputShape[0])
            {
                throw new ArgumentException($"Normalization has {value.Mean.Count} channels but the input shape [{string.Join(", ", Spec.InputShape)}] has {Spec.InputShape[0]}.", nameof(Normalization));
            }

            _normalization = value;
        }
    }

    /// <summary>Training mode or preset name (e.g. <c>cn+c</c>, <c>resnet110-7exit</c>), or null.</summary>
    public string? Mode { get; init; }

    /// <summary>Free-form training metadata (dataset, epochs, learning rate, seed, ...). Default empty.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => _metadata;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Metadata));
            _metadata = new Dictionary<string, string>(value);
        }
    }

    /// <summary>Builds a fresh (untrained) model for <paramref name="spec"/>, with <paramref name="exitClasses"/> deciding each exit's outputs.</summary>
    /// <remarks>The initial weights are drawn from a generator seeded with <paramref name="seed"/> (a fixed default when null).</remarks>
    public static ClassyNetModel Create(NetworkSpec spec, ExitClassSets exitClasses, IReadOnlyList<float> thresholds, ExitPolicy policy = ExitPolicy.Entropy, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(exitClasses);
        var fitted = spec.WithExitOutputs(exitClasses.OutputCounts());
        using var generator = seed is int s ? new torch.Generator(unchecked((ulong)(uint)s)) : null;
        return new ClassyNetModel(fitted, fitted.Build(generator), exitClasses, thresholds, policy);
    }

    /// <summary>
    /// The same model (sharing the network) with other thresholds and, optionally, another policy; use it to write
    /// calibrated thresholds back (see <see cref="Recalibrate"/>).
    /// </summary>
    public ClassyNetModel WithThresholds(IReadOnlyList<float> thresholds, ExitPolicy? policy = null) =>
        new(Spec, Network, ExitClasses, thresholds, policy ?? Policy)
        {
            ClassNames = ClassNames,
            Normalization = Normalization,
            Mode = Mode,
            Metadata = Metadata,
        };

    /// <summary>The same model (sharing the network) with <paramref name="metadata"/> entries added or replaced.</summary>
    public ClassyNetModel WithMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var merged = new Dictionary<string, string>(Metadata);
        foreach (var (k, v) in metadata)
        {
            merged[k] = v;
        }

        return new(Spec, Network, ExitClasses, _thresholds, Policy) { ClassNames = ClassNames, Normalization = Normalization, Mode = Mode, Metadata = merged };
    }

    /// <summary>An early-exit predictor (Algorithm 1, batched) for this model's network, sets, thresholds, policy and input shape.</summary>
    /// <remarks>The predictor expects normalised inputs: use <see cref="PrepareInputs"/> or <see cref="Predict"/> for raw data.</remarks>
    public EarlyExitPredictor CreatePredictor() => new(Network, ExitClasses, _thresholds, InputShape, Policy);

    /// <summary>
    /// Checks <paramref name="data"/> against the model (sample size and labels) and returns it normalised and with
    /// samples shaped as <see cref="InputShape"/> (a flat [F] dataset feeds a [C, H, W] model of the same size and vice versa).
    /// </summary>
    public TensorDataset PrepareInputs(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = InputShape.Aggregate(1, (a, d) => a * d);
        if (data.SampleSize != size)
        {
            throw new ArgumentException($"The data has samples of shape [{string.Join(", ", data.SampleShape)}] ({data.SampleSize} values) but the model expects [{string.Join(", ", InputShape)}] ({size} values).", nameof(data));
        }

        int maxLabel = data.Count == 0 ? -1 : data.Labels.Max();
        if (maxLabel >= ClassCount || (data.Count > 0 && data.Labels.Min() < 0))
        {
            throw new ArgumentException($"The data has labels up to {maxLabel} but the model has {ClassCount} classes (labels 0..{ClassCount - 1}).", nameof(data));
        }

        var shaped = data.SampleShape.SequenceEqual(InputShape) ? data : new TensorDataset(data.Features, data.Labels, [.. InputShape]);
        return Normalization.Apply(shaped);
    }

    /// <summary>
    /// Early-exit predictions for every sample of <paramref name="data"/> (raw, as loaded: it goes through
    /// <see cref="PrepareInputs"/>), run batched <paramref name="batchSize"/> samples at a time.
    /// </summary>
    public EarlyExitBatchResult Predict(TensorDataset data, int batchSize = 256, EarlyExitPredictor? predictor = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return PredictPrepared(PrepareInputs(data), batchSize, predictor);
    }

    /// <summary>
    /// Early-exit predictions for data already passed through <see cref="PrepareInputs"/> (normalised, samples shaped
    /// as <see cref="InputShape"/>), run batched; use it to time inference without the normalisation.
    /// </summary>
    public EarlyExitBatchResult PredictPrepared(TensorDataset prepared, int batchSize = 256, EarlyExitPredictor? predictor = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (!prepared.SampleShape.SequenceEqual(InputShape))
        {
            throw new ArgumentException($"prepared has samples of shape [{string.Join(", ", prepared.SampleShape)}]; pass the output of PrepareInputs (shape [{string.Join(", ", InputShape)}]).", nameof(prepared));
        }

        predictor ??= CreatePredictor();
        var predictions = new EarlyExitPrediction[prepared.Count];
        long macs = 0;
        for (int start = 0; start < prepared.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, prepared.Count - start);
            var batch = predictor.PredictBatch(prepared.Features.AsSpan(start * prepared.SampleSize, count * prepared.SampleSize), count);
            for (int i = 0; i < count; i++)
            {
                predictions[start + i] = batch.Predictions[i];
            }

            macs += batch.ExecutedMacs;
        }

        return new EarlyExitBatchResult(predictions, ExitCount, macs);
    }

    /// <summary>Runs every exit once over <paramref name="data"/> (raw) and caches the scores for threshold sweeps.</summary>
    public ExitScoreCache BuildScoreCache(TensorDataset data, int batchSize = 256)
    {
        var prepared = PrepareInputs(data);
        return ExitScoreCache.Build(Network, ExitClasses, prepared.Features, [.. InputShape], prepared.Labels, batchSize);
    }

    /// <summary>
    /// Calibrates the thresholds on <paramref name="validation"/> (<see cref="ThresholdCalibrator"/>) and returns the model
    /// with the chosen thresholds written in, and the calibration result (before/after numbers, Pareto front).
    /// </summary>
    public (ClassyNetModel Model, ThresholdCalibrationResult Calibration) Recalibrate(TensorDataset validation, ThresholdCalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = ThresholdCalibrator.Calibrate(BuildScoreCache(validation), options, Policy);
        return (WithThresholds(result.Thresholds), result);
    }

    /// <summary>Writes the bundle to <paramref name="path"/> atomically (temporary file in the same folder, then rename).</summary>
    public void Save(string path) => AtomicFile.Write(path, Save, nameof(path));

    /// <summary>Writes the bundle (a zip) to <paramref name="stream"/>; the stream stays open.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        WriteEntry(zip, ManifestEntry, s => s.Write(ManifestJson()));
        WriteEntry(zip, SpecEntry, s => s.Write(Encoding.UTF8.GetBytes(Spec.ToJson())));
        WriteEntry(zip, WeightsEntry, s => StateDicts.Write(s, Network.state_dict()));
    }

    /// <summary>Reads a bundle written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable version-1 ClassyNet model.</exception>
    public static ClassyNetModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        return Load(stream, path);
    }

    /// <summary>Reads a bundle from <paramref name="stream"/>; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="InvalidDataException">The stream is not a readable version-1 ClassyNet model.</exception>
    public static ClassyNetModel Load(Stream stream, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            throw Invalid(source, $"it is not a readable zip archive ({e.Message}); the file may be truncated or damaged", e);
        }

        using (zip)
        {
            try
            {
                return Read(zip, source);
            }
            catch (InvalidDataException e) when (e.Message.StartsWith($"'{source}'", StringComparison.Ordinal))
            {
                throw;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or JsonException or FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
            {
                throw Invalid(source, e.Message, e);
            }
        }
    }

    /// <summary>Readable summary.</summary>
    public override string ToString() =>
        $"{Mode ?? "model"}: {Spec}; {ExitClasses}; {Policy} thresholds [{string.Join(", ", _thresholds.Select(t => t.ToString("G4", CultureInfo.InvariantCulture)))}]";

    private static ClassyNetModel Read(ZipArchive zip, string source)
    {
        using var manifestDoc = JsonDocument.Parse(ReadEntry(zip, ManifestEntry, source));
        var manifest = manifestDoc.RootElement;
        if (manifest.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(source, $"{ManifestEntry} is not a JSON object");
        }

        string? format = manifest.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        if (format != FormatName)
        {
            throw Invalid(source, $"{ManifestEntry} has format '{format ?? "<missing>"}', expected '{FormatName}'");
        }

        if (!manifest.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version))
        {
            throw Invalid(source, $"{ManifestEntry} has no integer version");
        }

        if (version != FormatVersion)
        {
            throw Invalid(source, $"it is a version {version} model; this library reads version {FormatVersion}" + (version > FormatVersion ? " (update ClassyNet.MLNet)" : string.Empty));
        }

        NetworkSpec spec;
        try
        {
            spec = NetworkSpec.FromJson(Encoding.UTF8.GetString(ReadEntry(zip, SpecEntry, source)));
        }
        catch (InvalidDataException e)
        {
            throw Invalid(source, $"{SpecEntry}: {e.Message}", e);
        }

        if (!spec.IsSized)
        {
            throw Invalid(source, $"{SpecEntry}: the spec has no input size or class count ({spec})");
        }

        var sets = ReadExitClasses(Required(manifest, "exitClasses", source), source);
        var thresholds = Required(manifest, "thresholds", source).EnumerateArray().Select(t => t.GetSingle()).ToArray();
        var policy = Required(manifest, "policy", source).GetString() switch
        {
            "entropy" => ExitPolicy.Entropy,
            "max-probability" => ExitPolicy.MaxProbability,
            var p => throw Invalid(source, $"{ManifestEntry} has unknown policy '{p}' (expected entropy or max-probability)"),
        };
        var inputShape = Required(manifest, "inputShape", source).EnumerateArray().Select(d => d.GetInt32()).ToArray();
        if (!inputShape.SequenceEqual(spec.InputShape))
        {
            throw Invalid(source, $"{ManifestEntry} gives input shape [{string.Join(", ", inputShape)}] but the spec's is [{string.Join(", ", spec.InputShape)}]");
        }

        var normElement = Required(manifest, "normalization", source);
        var normalization = new InputNormalization(
            Required(normElement, "scale", source).GetSingle(),
            Required(normElement, "mean", source).EnumerateArray().Select(x => x.GetSingle()).ToArray(),
            Required(normElement, "std", source).EnumerateArray().Select(x => x.GetSingle()).ToArray());
        string[]? classNames = manifest.TryGetProperty("classNames", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => n.GetString() ?? string.Empty).ToArray()
            : null;
        string? mode = manifest.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var metadata = new Dictionary<string, string>();
        if (manifest.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in meta.EnumerateObject())
            {
                metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        var network = spec.Build();
        Dictionary<string, torch.Tensor> weights;
        using (var weightStream = new MemoryStream(ReadEntry(zip, WeightsEntry, source)))
        {
            weights = StateDicts.Read(weightStream, $"{source}!{WeightsEntry}");
        }

        try
        {
            network.load_state_dict(weights);
        }
        catch (ArgumentException e)
        {
            throw Invalid(source, $"the weights do not match the spec ({spec}): {e.Message}", e);
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }

        network.eval();
        return new ClassyNetModel(spec, network, sets, thresholds, policy)
        {
            ClassNames = classNames,
            Normalization = normalization,
            Mode = mode,
            Metadata = metadata,
        };
    }

    private static ExitClassSets ReadExitClasses(JsonElement element, string source)
    {
        int classCount = Required(element, "classCount", source).GetInt32();
        bool bag = Required(element, "bagOfClasses", source).GetBoolean();
        var sets = Required(element, "sets", source).EnumerateArray().Select(s => (IReadOnlyList<int>)s.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        if (sets.Length < 1)
        {
            throw Invalid(source, $"{ManifestEntry}: exitClasses.sets is empty");
        }

        var early = sets[..^1];
        return Required(element, "scheme", source).GetString() switch
        {
            "all-classes" => ExitClassSets.AllClasses(sets.Length, classCount),
            "mc" => ExitClassSets.MutuallyExclusive(early, classCount, bag),
            "ic" => ExitClassSets.IncrementalFromSets(early, classCount, bag),
            var s => throw Invalid(source, $"{ManifestEntry}: unknown exit-class scheme '{s}' (expected all-classes, mc or ic)"),
        };
    }

    private byte[] ManifestJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("version", FormatVersion);
            json.WriteString("library", typeof(ClassyNetModel).Assembly.GetName().Version?.ToString() ?? "unknown");
            if (Mode is not null)
            {
                json.WriteString("mode", Mode);
            }

            json.WriteString("policy", Policy == ExitPolicy.Entropy ? "entropy" : "max-probability");
            WriteArray(json, "thresholds", _thresholds);
            json.WriteStartObject("exitClasses");
            json.WriteNumber("classCount", ExitClasses.ClassCount);
            json.WriteString("scheme", ExitClasses.Scheme switch
            {
                ExitClassScheme.AllClasses => "all-classes",
                ExitClassScheme.MutuallyExclusive => "mc",
                _ => "ic",
            });
            json.WriteBoolean("bagOfClasses", ExitClasses.BagOfClasses);
            json.WriteStartArray("sets");
            for (int m = 0; m < ExitClasses.ExitCount; m++)
            {
                json.WriteStartArray();
                foreach (int c in ExitClasses.ClassesAt(m))
                {
                    json.WriteNumberValue(c);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("inputShape");
            foreach (int d in InputShape)
            {
                json.WriteNumberValue(d);
            }

            json.WriteEndArray();
            json.WriteStartObject("normalization");
            json.WriteNumber("scale", Normalization.Scale);
            WriteArray(json, "mean", Normalization.Mean);
            WriteArray(json, "std", Normalization.Std);
            json.WriteEndObject();
            if (ClassNames is not null)
            {
                json.WriteStartArray("classNames");
                foreach (var n in ClassNames)
                {
                    json.WriteStringValue(n);
                }

                json.WriteEndArray();
            }

            json.WriteStartObject("metadata");
            foreach (var (k, val) in Metadata)
            {
                json.WriteString(k, val);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<float> values)
    {
        json.WriteStartArray(name);
        foreach (float x in values)
        {
            json.WriteNumberValue(x);
        }

        json.WriteEndArray();
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var s = entry.Open();
        write(s);
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw Invalid(source, $"it has no '{name}' entry (a model bundle holds {ManifestEntry}, {SpecEntry} and {WeightsEntry})");
        using var s = entry.Open();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    private static JsonElement Required(JsonElement element, string name, string source) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Invalid(source, $"{ManifestEntry} is missing '{name}'");

    private static InvalidDataException Invalid(string source, string reason, Exception? inner = null) =>
        new($"'{source}' is not a valid ClassyNet model: {reason}.", inner);
}
