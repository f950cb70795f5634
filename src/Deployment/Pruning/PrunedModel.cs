using System.IO.Compression;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Planning;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// A pruned single-exit baseline: its network (dense tensors with zeros after magnitude pruning; really narrower after
/// HRank), the spec of the baseline it came from, the channel plan of a structurally pruned network, the input
/// normalisation, and what pruning measured.
/// </summary>
/// <remarks>
/// <see cref="Save(string)"/> writes a zip with <c>pruned.json</c> (format <c>classynet-pruned</c>, version 1: method,
/// baseline spec, channel plan, normalisation, class names, result) and <c>weights.safetensors</c> (the network's state
/// dict, PyTorch names); writing is atomic. <see cref="Load(string)"/> rebuilds the network from the plan (or the spec)
/// and reports a damaged or foreign file as an <see cref="InvalidDataException"/> naming it.
/// </remarks>
public sealed class PrunedModel
{
    /// <summary>The manifest's <c>format</c> value.</summary>
    public const string FormatName = "classynet-pruned";

    /// <summary>The version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string ManifestEntry = "pruned.json";
    private const string WeightsEntry = "weights.safetensors";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly ClassyNetModel _runner;

    /// <summary>
    /// Wraps a pruned <paramref name="network"/> of the single-exit baseline <paramref name="baseSpec"/>;
    /// <paramref name="plan"/> describes its widths when they differ from the spec's (HRank), null otherwise.
    /// </summary>
    public PrunedModel(PruningMethod method, NetworkSpec baseSpec, ChannelPlan? plan, MultiExitNetwork network, InputNormalization normalization, IReadOnlyList<string>? classNames = null, PruningResult? result = null)
    {
        ArgumentNullException.ThrowIfNull(baseSpec);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(normalization);
        Method = method;
        BaseSpec = baseSpec;
        Plan = plan;
        Network = network;
        Result = result;

        // Runs the network through the library's own input preparation and early-exit inference (final exit only).
        _runner = new ClassyNetModel(baseSpec, network, ExitClassSets.AllClasses(baseSpec.ExitCount, baseSpec.Classes), new float[baseSpec.ExitCount - 1])
        {
            Normalization = normalization,
            ClassNames = classNames,
        };
    }

    /// <summary>How it was pruned.</summary>
    public PruningMethod Method { get; }

    /// <summary>The single-exit baseline's architecture.</summary>
    public NetworkSpec BaseSpec { get; }

    /// <summary>Channel widths of a structurally pruned network (null when the tensors keep the baseline's shapes).</summary>
    public ChannelPlan? Plan { get; }

    /// <summary>The pruned network.</summary>
    public MultiExitNetwork Network { get; }

    /// <summary>Input normalisation of the baseline.</summary>
    public InputNormalization Normalization => _runner.Normalization;

    /// <summary>Class names, or null.</summary>
    public IReadOnlyList<string>? ClassNames => _runner.ClassNames;

    /// <summary>What pruning measured, or null.</summary>
    public PruningResult? Result { get; }

    /// <summary>One sample's shape.</summary>
    public IReadOnlyList<int> InputShape => BaseSpec.InputShape;

    /// <summary>Trainable parameters of the network's tensors.</summary>
    public long Parameters => Network.parameters().Sum(p => p.numel());

    /// <summary>Non-zero trainable parameters.</summary>
    public long NonZeroParameters => MagnitudePruner.NonZeroParameters(Network);

    /// <summary>The same model with <paramref name="result"/> attached.</summary>
    public PrunedModel WithResult(PruningResult result) => new(Method, BaseSpec, Plan, Network, Normalization, ClassNames, result);

    /// <summary>Checks, reshapes and normalises raw <paramref name="data"/> as the baseline did.</summary>
    public TensorDataset PrepareInputs(TensorDataset data) => _runner.PrepareInputs(data);

    /// <summary>Accuracy of the final exit on raw <paramref name="data"/> (normalised here), in batches.</summary>
    public double Accuracy(TensorDataset data, int batchSize = 256) => AccuracyPrepared(PrepareInputs(data), batchSize);

    /// <summary>Accuracy on data already passed through <see cref="PrepareInputs"/>.</summary>
    public double AccuracyPrepared(TensorDataset prepared, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Count == 0)
        {
            throw new ArgumentException("The data holds no samples.", nameof(prepared));
        }

        var predicted = _runner.PredictPrepared(prepared, batchSize).PredictedClasses();
        return predicted.Zip(prepared.Labels).Count(p => p.First == p.Second) / (double)prepared.Count;
    }

    /// <summary>Median milliseconds of one forward pass of <paramref name="batchSize"/> images (<see cref="StageLatencyProfiler.MeasureForward(MultiExitNetwork, IReadOnlyList{int}, int, int, int)"/>).</summary>
    public double LatencyMs(int batchSize = 16, int repeats = 7) => StageLatencyProfiler.MeasureForward(Network, InputShape, batchSize, repeats);

    /// <summary>Writes the bundle to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, Save, nameof(path));

    /// <summary>Writes the bundle (a zip) to <paramref name="stream"/>; the stream stays open.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var manifest = new Manifest
        {
            Format = FormatName,
            Version = FormatVersion,
            Method = Method == PruningMethod.Magnitude ? "magnitude" : "hrank",
            BaseSpec = BaseSpec.ToJson(),
            Plan = Plan?.ToJson(),
            NormalizationScale = Normalization.Scale,
            NormalizationMean = [.. Normalization.Mean],
            NormalizationStd = [.. Normalization.Std],
            ClassNames = ClassNames?.ToList(),
            Result = Result,
        };
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry(ManifestEntry).Open())
        {
            entry.Write(JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions));
        }

        using (var entry = zip.CreateEntry(WeightsEntry).Open())
        {
            StateDicts.Write(entry, Network.state_dict());
        }
    }

    /// <summary>Reads a bundle written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable version-1 pruned model.</exception>
    public static PrunedModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Pruned model '{path}' does not exist.", path);
        }

        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = JsonSerializer.Deserialize<Manifest>(ReadEntry(zip, ManifestEntry, path), JsonOptions)
                ?? throw new InvalidDataException($"{ManifestEntry} is empty");
            if (manifest.Format != FormatName || manifest.Version != FormatVersion)
            {
                throw new InvalidDataException($"{ManifestEntry} says format '{manifest.Format}' version {manifest.Version}; expected '{FormatName}' version {FormatVersion}");
            }

            var method = manifest.Method switch
            {
                "magnitude" => PruningMethod.Magnitude,
                "hrank" => PruningMethod.HRank,
                var m => throw new InvalidDataException($"{ManifestEntry} has unknown method '{m}' (expected magnitude or hrank)"),
            };
            var spec = NetworkSpec.FromJson(manifest.BaseSpec ?? throw new InvalidDataException($"{ManifestEntry} has no baseSpec"));
            var plan = manifest.Plan is null ? null : ChannelPlan.FromJson(manifest.Plan);
            var network = plan?.Build() ?? spec.Build();
            Dictionary<string, Tensor> weights;
            using (var weightStream = new MemoryStream(ReadEntry(zip, WeightsEntry, path)))
            {
                weights = StateDicts.Read(weightStream, $"{path}!{WeightsEntry}");
            }

            try
            {
                network.load_state_dict(weights);
            }
            finally
            {
                foreach (var t in weights.Values)
                {
                    t.Dispose();
                }
            }

            network.eval();
            var normalization = new InputNormalization(manifest.NormalizationScale, manifest.NormalizationMean ?? [], manifest.NormalizationStd ?? []);
            return new PrunedModel(method, spec, plan, network, normalization, manifest.ClassNames, manifest.Result);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or IOException or InvalidOperationException || (e is InvalidDataException && !e.Message.StartsWith($"'{path}'", StringComparison.Ordinal)))
        {
            throw new InvalidDataException($"'{path}' is not a readable pruned model: {e.Message}", e);
        }
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' has no {name} entry; it is not a pruned model written by 'classynet prune'");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed class Manifest
    {
        public string? Format { get; set; }

        public int Version { get; set; }

        public string? Method { get; set; }

        public string? BaseSpec { get; set; }

        public string? Plan { get; set; }

        public float NormalizationScale { get; set; } = 1;

        public List<float>? NormalizationMean { get; set; }

        public List<float>? NormalizationStd { get; set; }

        public List<string>? ClassNames { get; set; }

        public PruningResult? Result { get; set; }
    }
}
