using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Networks;
using Google.Protobuf;

namespace ClassyNet.MLNet.Deployment;

/// <summary>
/// A trained model split after exit k for an edge/cloud deployment (paper Section IV): the <em>edge part</em> is the
/// input normalisation, the stem, stages 0..k-1 and exits 0..k-1, exported to ONNX (<see cref="ExportEdgePackage"/>) for
/// ONNX Runtime on the device; the <em>cloud part</em> is stages k..M-1 with their exits, run on TorchSharp
/// (<see cref="CreateCloudPartition"/>, or the cloud service). With k = M the edge part is the whole model.
/// </summary>
/// <remarks>
/// Edge then cloud computes what the unsplit model computes: the same layers in the same order, the same scores and the
/// same exit rule (<see cref="ExitDecision"/>); the only differences are ONNX Runtime's and libtorch's last bits.
/// </remarks>
public sealed class ModelSplit
{
    /// <summary>The ONNX file name inside an edge package.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>
    /// Splits <paramref name="model"/> after <paramref name="splitExit"/> exits (1..M) and names it
    /// <paramref name="modelId"/>; the version comes from the weights (<see cref="ModelIdentities.Version"/>).
    /// </summary>
    public ModelSplit(ClassyNetModel model, int splitExit, string modelId)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (splitExit < 1 || splitExit > model.ExitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(splitExit), splitExit, $"splitExit is the number of exits on the edge: expected 1..{model.ExitCount} (the model has {model.ExitCount} exits; {model.ExitCount} puts the whole model on the edge).");
        }

        Model = model;
        SplitExit = splitExit;
        Identity = ModelIdentities.Of(model, modelId);
        var accounting = NetworkAccounting.Measure(model.Network, model.InputShape);
        ActivationShape = IsComplete ? [] : accounting.Exits[splitExit - 1].ActivationShape;
    }

    /// <summary>The whole model.</summary>
    public ClassyNetModel Model { get; }

    /// <summary>Number of exits on the edge, k in 1..M.</summary>
    public int SplitExit { get; }

    /// <summary>The model's id and weights version, which the edge sends and the cloud service checks.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>Whether the edge part is the whole model (k = M).</summary>
    public bool IsComplete => SplitExit == Model.ExitCount;

    /// <summary>Per-sample shape of the activation handed from the edge to the cloud (empty when <see cref="IsComplete"/>).</summary>
    public IReadOnlyList<int> ActivationShape { get; }

    /// <summary>Writes the edge part's ONNX graph (opset 17) to <paramref name="stream"/>.</summary>
    public void WriteEdgeOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        OnnxEdgeExporter.Build(Model, SplitExit, Identity).Model.WriteTo(stream);
    }

    /// <summary>
    /// Writes an edge package into <paramref name="directory"/> (created if missing): <see cref="OnnxFileName"/> (the
    /// edge part's graph) and <see cref="EdgePackageManifest.FileName"/> (exits, thresholds, policy, activation, model
    /// identity, class names), each written atomically, the manifest last. Returns the manifest.
    /// </summary>
    public EdgePackageManifest ExportEdgePackage(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var (onnx, exits, activation) = OnnxEdgeExporter.Build(Model, SplitExit, Identity);
        var bytes = onnx.ToByteArray();
        AtomicFile.Write(Path.Combine(directory, OnnxFileName), s => s.Write(bytes), nameof(directory));
        int earlyOnEdge = Math.Min(SplitExit, Model.ExitCount - 1);
        var manifest = new EdgePackageManifest(
            Identity,
            Model.ExitCount,
            SplitExit,
            Model.ClassCount,
            Model.InputShape,
            Model.Policy,
            Model.Thresholds.Take(earlyOnEdge).ToArray(),
            Model.Thresholds.Skip(earlyOnEdge).ToArray(),
            exits,
            OnnxFileName,
            bytes.Length,
            EdgePackageManifest.Checksum(bytes),
            OnnxEdgeExporter.Opset,
            OnnxEdgeExporter.InputName,
            activation,
            ActivationShape,
            Model.ClassNames);
        AtomicFile.Write(Path.Combine(directory, EdgePackageManifest.FileName), manifest.Write, nameof(directory));
        return manifest;
    }

    /// <summary>The cloud part (stages k..M-1 on TorchSharp); there is none when <see cref="IsComplete"/>.</summary>
    public CloudPartition CreateCloudPartition() =>
        IsComplete
            ? throw new InvalidOperationException($"The model is split after its last exit ({SplitExit} of {Model.ExitCount}): the edge part is the whole model and there is no cloud part.")
            : new CloudPartition(Model, SplitExit);
}
