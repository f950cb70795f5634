using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using ClassyNet.MLNet.Inference;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// What an edge device needs besides the ONNX graph to run the edge part of a split ClassyNet model: which exits the
/// graph computes and what their outputs mean, the thresholds and exit policy of Algorithm 1, the activation handed on to
/// the cloud part (name and per-sample shape), the model's identity (id and version, which the cloud service checks), the
/// input shape and optional class names. Stored as <see cref="FileName"/> next to the ONNX file in an edge-package
/// folder; it names the ONNX file with its length and CRC-32 (as the library's model file checks its entries), so a
/// package whose parts do not belong together, or a damaged graph, is refused.
/// </summary>
public sealed class EdgePackageManifest
{
    /// <summary>The manifest's <c>format</c> value.</summary>
    public const string FormatName = "classynet-edge-package";

    /// <summary>The manifest version this code writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>File name of the manifest inside an edge-package folder.</summary>
    public const string FileName = "edge.json";

    private readonly float[] _thresholds;
    private readonly float[] _cloudThresholds;
    private readonly int[] _inputShape;
    private readonly int[] _activationShape;
    private readonly EdgePackageExit[] _exits;
    private readonly string[]? _classNames;

    /// <summary>Creates a manifest and checks that its parts agree (see the properties for each rule).</summary>
    public EdgePackageManifest(
        ModelIdentity model,
        int exitCount,
        int splitExit,
        int classCount,
        IReadOnlyList<int> inputShape,
        ExitPolicy policy,
        IReadOnlyList<float> thresholds,
        IReadOnlyList<float> cloudThresholds,
        IReadOnlyList<EdgePackageExit> exits,
        string onnxFile,
        long onnxLength,
        uint onnxCrc32,
        int opset,
        string inputName,
        string? activationOutput,
        IReadOnlyList<int> activationShape,
        IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(cloudThresholds);
        ArgumentNullException.ThrowIfNull(exits);
        ArgumentNullException.ThrowIfNull(activationShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(exitCount, 1);
        if (splitExit < 1 || splitExit > exitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(splitExit), splitExit, $"splitExit is the number of exits on the edge: expected 1..{exitCount} (the model has {exitCount} exits).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"policy must be {ExitPolicy.Entropy} or {ExitPolicy.MaxProbability}.");
        }

        if (inputShape.Count == 0 || inputShape.Any(d => d < 1))
        {
            throw new ArgumentException($"inputShape [{string.Join(", ", inputShape)}] must list one sample's dimensions, each >= 1.", nameof(inputShape));
        }

        int earlyOnEdge = Math.Min(splitExit, exitCount - 1);
        if (thresholds.Count != earlyOnEdge || thresholds.Any(t => !float.IsFinite(t) || t < 0))
        {
            throw new ArgumentException($"thresholds [{string.Join(", ", thresholds)}] must give {earlyOnEdge} finite values >= 0, one per early exit on the edge.", nameof(thresholds));
        }

        int earlyInCloud = exitCount - 1 - earlyOnEdge;
        if (cloudThresholds.Count != earlyInCloud || cloudThresholds.Any(t => !float.IsFinite(t) || t < 0))
        {
            throw new ArgumentException($"cloudThresholds [{string.Join(", ", cloudThresholds)}] must give {earlyInCloud} finite values >= 0, one per early exit in the cloud part.", nameof(cloudThresholds));
        }

        if (exits.Count != splitExit || exits.Select((e, i) => e.Index != i).Any(wrong => wrong))
        {
            throw new ArgumentException($"exits must describe the {splitExit} edge exits in order (indices 0..{splitExit - 1}); got indices [{string.Join(", ", exits.Select(e => e.Index))}].", nameof(exits));
        }

        foreach (var exit in exits)
        {
            CheckOutputClasses(exit, classCount, final: exit.Index == exitCount - 1);
        }

        bool complete = splitExit == exitCount;
        if (complete != (activationOutput is null) || complete != (activationShape.Count == 0) || activationShape.Any(d => d < 1))
        {
            throw new ArgumentException(
                complete
                    ? $"The edge part holds every exit ({exitCount}), so it hands nothing on: activationOutput must be null and activationShape empty; got '{activationOutput}' and [{string.Join(", ", activationShape)}]."
                    : $"The edge part stops after exit {splitExit} of {exitCount}: activationOutput must name the activation handed on and activationShape give its per-sample shape (each >= 1); got '{activationOutput}' and [{string.Join(", ", activationShape)}].",
                nameof(activationShape));
        }

        if (string.IsNullOrEmpty(onnxFile) || onnxFile != Path.GetFileName(onnxFile) || onnxFile is "." or "..")
        {
            throw new ArgumentException($"onnxFile '{onnxFile}' must be a plain file name inside the package folder.", nameof(onnxFile));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(onnxLength, 1);

        ArgumentOutOfRangeException.ThrowIfLessThan(opset, 1);
        ArgumentException.ThrowIfNullOrEmpty(inputName);
        if (classNames is not null && (classNames.Count != classCount || classNames.Any(string.IsNullOrEmpty)))
        {
            throw new ArgumentException($"classNames must list {classCount} non-empty names (one per class); got {classNames.Count}.", nameof(classNames));
        }

        Model = model;
        ExitCount = exitCount;
        SplitExit = splitExit;
        ClassCount = classCount;
        _inputShape = [.. inputShape];
        Policy = policy;
        _thresholds = [.. thresholds];
        _cloudThresholds = [.. cloudThresholds];
        _exits = [.. exits];
        OnnxFile = onnxFile;
        OnnxLength = onnxLength;
        OnnxCrc32 = onnxCrc32;
        Opset = opset;
        InputName = inputName;
        ActivationOutput = activationOutput;
        _activationShape = [.. activationShape];
        _classNames = classNames?.ToArray();
    }

    /// <summary>The model the part was cut from (id and version; the cloud service checks both).</summary>
    public ModelIdentity Model { get; }

    /// <summary>Number of exits M of the whole model.</summary>
    public int ExitCount { get; }

    /// <summary>Number of exits on the edge, k in 1..M: the edge part is the stem, stages 0..k-1 and exits 0..k-1.</summary>
    public int SplitExit { get; }

    /// <summary>Whether the edge part is the whole model (k = M): every sample is answered on the edge.</summary>
    public bool IsComplete => SplitExit == ExitCount;

    /// <summary>Number of classes K.</summary>
    public int ClassCount { get; }

    /// <summary>Class names in label order, or null when the model has none.</summary>
    public IReadOnlyList<string>? ClassNames => _classNames;

    /// <summary>One raw sample's shape without the batch dimension; the graph's input is [N, ...InputShape].</summary>
    public IReadOnlyList<int> InputShape => _inputShape;

    /// <summary>Number of floats in one sample.</summary>
    public int InputSize => _inputShape.Aggregate(1, (a, d) => a * d);

    /// <summary>The exit test of Algorithm 1.</summary>
    public ExitPolicy Policy { get; }

    /// <summary>Thresholds of the early exits on the edge: k values, or M - 1 when the edge holds the final exit too.</summary>
    public IReadOnlyList<float> Thresholds => _thresholds;

    /// <summary>
    /// Thresholds of the early exits in the cloud part (exits k..M-2; empty when <see cref="IsComplete"/>); the edge sends
    /// them with every request, so one deployment applies one set of thresholds whatever the cloud's model file says.
    /// </summary>
    public IReadOnlyList<float> CloudThresholds => _cloudThresholds;

    /// <summary>The edge exits, 0..k-1.</summary>
    public IReadOnlyList<EdgePackageExit> Exits => _exits;

    /// <summary>File name of the ONNX graph in the package folder.</summary>
    public string OnnxFile { get; }

    /// <summary>Length of the ONNX file in bytes.</summary>
    public long OnnxLength { get; }

    /// <summary>CRC-32 (IEEE) of the ONNX file.</summary>
    public uint OnnxCrc32 { get; }

    /// <summary>ONNX opset the graph uses.</summary>
    public int Opset { get; }

    /// <summary>Name of the graph input ([N, ...InputShape] float32, raw samples: the model's normalisation is in the graph).</summary>
    public string InputName { get; }

    /// <summary>Name of the graph output holding the activation handed on to the cloud part, or null when <see cref="IsComplete"/>.</summary>
    public string? ActivationOutput { get; }

    /// <summary>Per-sample shape of the activation handed on (empty when <see cref="IsComplete"/>).</summary>
    public IReadOnlyList<int> ActivationShape => _activationShape;

    /// <summary>Number of floats of one sample's activation (0 when <see cref="IsComplete"/>).</summary>
    public int ActivationSize => _activationShape.Length == 0 ? 0 : _activationShape.Aggregate(1, (a, d) => a * d);

    /// <summary>Reads and checks a manifest file.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 edge-package manifest.</exception>
    public static EdgePackageManifest Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Edge-package manifest '{path}' does not exist.", path);
        }

        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>Reads and checks a manifest from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static EdgePackageManifest Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        EdgePackageManifestDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(stream, EdgePackageJsonContext.Default.EdgePackageManifestDto);
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"it is not valid JSON ({e.Message})", e);
        }

        if (dto is null)
        {
            throw Invalid(source, "it is empty (JSON null)");
        }

        if (dto.Format != FormatName)
        {
            throw Invalid(source, $"format is '{dto.Format ?? "<missing>"}', expected '{FormatName}'");
        }

        if (dto.Version != FormatVersion)
        {
            throw Invalid(source, $"version {dto.Version} is not supported (this build reads version {FormatVersion})");
        }

        var policy = dto.Policy switch
        {
            "entropy" => ExitPolicy.Entropy,
            "max-probability" => ExitPolicy.MaxProbability,
            var p => throw Invalid(source, $"policy '{p ?? "<missing>"}' is unknown (expected entropy or max-probability)"),
        };
        try
        {
            return new EdgePackageManifest(
                new ModelIdentity(dto.ModelId ?? string.Empty, dto.ModelVersion ?? string.Empty),
                dto.ExitCount,
                dto.SplitExit,
                dto.ClassCount,
                dto.InputShape ?? [],
                policy,
                dto.Thresholds ?? [],
                dto.CloudThresholds ?? [],
                (dto.Exits ?? []).Select(e => new EdgePackageExit(e.Index, e.OutputClasses ?? [], e.ProbabilitiesOutput ?? string.Empty, e.EntropyOutput ?? string.Empty)).ToArray(),
                dto.OnnxFile ?? string.Empty,
                dto.OnnxLength,
                dto.OnnxCrc32,
                dto.Opset,
                dto.InputName ?? string.Empty,
                dto.ActivationOutput,
                dto.ActivationShape ?? [],
                dto.ClassNames);
        }
        catch (ArgumentException e)
        {
            string reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw Invalid(source, reason.TrimEnd('.'), e);
        }
    }

    /// <summary>Writes the manifest as indented JSON to <paramref name="stream"/> (left open).</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var dto = new EdgePackageManifestDto
        {
            Format = FormatName,
            Version = FormatVersion,
            ModelId = Model.Id,
            ModelVersion = Model.Version,
            ExitCount = ExitCount,
            SplitExit = SplitExit,
            ClassCount = ClassCount,
            ClassNames = _classNames,
            InputName = InputName,
            InputShape = _inputShape,
            Policy = Policy == ExitPolicy.Entropy ? "entropy" : "max-probability",
            Thresholds = _thresholds,
            CloudThresholds = _cloudThresholds,
            Exits = _exits.Select(e => new EdgePackageExitDto
            {
                Index = e.Index,
                OutputClasses = [.. e.OutputClasses],
                ProbabilitiesOutput = e.ProbabilitiesOutput,
                EntropyOutput = e.EntropyOutput,
            }).ToArray(),
            ActivationOutput = ActivationOutput,
            ActivationShape = _activationShape,
            OnnxFile = OnnxFile,
            OnnxLength = OnnxLength,
            OnnxCrc32 = OnnxCrc32,
            Opset = Opset,
        };
        JsonSerializer.Serialize(stream, dto, EdgePackageJsonContext.Default.EdgePackageManifestDto);
    }

    /// <summary>CRC-32 (IEEE) of <paramref name="bytes"/>, the checksum <see cref="OnnxCrc32"/> records.</summary>
    public static uint Checksum(ReadOnlySpan<byte> bytes) => Crc32.HashToUInt32(bytes);

    /// <summary>Why <paramref name="onnx"/> is not the graph this manifest names (length or CRC-32 differ), or null when it is.</summary>
    public string? Mismatch(ReadOnlySpan<byte> onnx)
    {
        uint crc = Checksum(onnx);
        return onnx.Length == OnnxLength && crc == OnnxCrc32
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"'{OnnxFile}' has {onnx.Length} bytes with CRC-32 {crc:X8} where the manifest says {OnnxLength} bytes with CRC-32 {OnnxCrc32:X8}");
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsComplete
            ? string.Create(CultureInfo.InvariantCulture, $"{Model}: all {ExitCount} exits on the edge (whole model)")
            : string.Create(CultureInfo.InvariantCulture, $"{Model}: exits 1..{SplitExit} of {ExitCount} on the edge, activation [{string.Join(", ", _activationShape)}] to the cloud");

    private static void CheckOutputClasses(EdgePackageExit exit, int classCount, bool final)
    {
        var classes = exit.OutputClasses;
        int named = exit.HasBag ? classes.Count - 1 : classes.Count;
        bool valid = classes.Count >= 2 && !(final && exit.HasBag)
            && classes.Take(named).All(c => c >= 0 && c < classCount)
            && classes.Take(named).Distinct().Count() == named
            && (exit.HasBag ? named < classCount : named == classCount);
        if (!valid)
        {
            throw new ArgumentException(
                $"exit {exit.Index}: outputClasses [{string.Join(", ", classes)}] must name distinct classes in [0, {classCount}): all {classCount} of them, or some followed by -1 for the bag (a non-final exit only).",
                nameof(exit));
        }
    }

    private static InvalidDataException Invalid(string source, string reason, Exception? inner = null) =>
        new($"'{source}' is not a valid ClassyNet edge-package manifest: {reason}.", inner);
}
