using ClassyNet.Edge;
using ClassyNet.MLNet.Deployment;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.Deployment.Tests;

/// <summary>The exported package: what the graph declares, what the manifest says, and refusals with reasons.</summary>
[TestClass]
public sealed class EdgePackageTests
{
    [TestMethod]
    public void PackageDeclaresOpset17ASymbolicBatchAndTheManifestsOutputs()
    {
        var model = DeploymentModels.ResNet();
        using var packages = new EdgePackages();
        var package = packages.Export(model, 2, "r14-cn");
        var m = package.Manifest;
        var onnx = ModelProto.Parser.ParseFrom(package.Onnx.ToArray());
        Assert.AreEqual(17, onnx.OpsetImport.Single().Version);
        Assert.AreEqual(8, onnx.IrVersion);
        var input = onnx.Graph.Input.Single();
        Assert.AreEqual(m.InputName, input.Name);
        Assert.AreEqual("N", input.Type.TensorType.Shape.Dim[0].DimParam, "the batch dimension is symbolic");
        CollectionAssert.AreEqual(new long[] { 1, 12, 12 }, input.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue).ToArray());
        CollectionAssert.AreEquivalent(
            new[] { "exit0_probabilities", "exit0_entropy", "exit1_probabilities", "exit1_entropy", "activation" },
            onnx.Graph.Output.Select(o => o.Name).ToArray());
        var ops = onnx.Graph.Node.Select(n => n.OpType).Distinct().ToArray();
        CollectionAssert.IsSubsetOf(ops, new[] { "Sub", "Mul", "Conv", "BatchNormalization", "Relu", "Add", "GlobalAveragePool", "Flatten", "Gemm", "Softmax", "LogSoftmax", "Exp", "ReduceSum", "Neg", "Identity" });
        CollectionAssert.Contains(ops, "Add", "the residual additions are in the graph");

        Assert.AreEqual("r14-cn", m.Model.Id);
        Assert.AreEqual(ModelIdentities.Version(model), m.Model.Version);
        Assert.AreEqual(2, m.SplitExit);
        CollectionAssert.AreEqual(model.Thresholds.ToArray(), m.Thresholds.ToArray(), "both early thresholds are on the edge");
        Assert.AreEqual(0, m.CloudThresholds.Count, "the cloud holds only the final exit");
        CollectionAssert.AreEqual(new[] { 9, -1 }, m.Exits[0].OutputClasses.ToArray());
        CollectionAssert.AreEqual(new[] { 9, 8, -1 }, m.Exits[1].OutputClasses.ToArray());
        CollectionAssert.AreEqual(new ModelSplit(model, 2, "x").ActivationShape.ToArray(), m.ActivationShape.ToArray());
        CollectionAssert.AreEqual(model.ClassNames!.ToArray(), m.ClassNames!.ToArray());
        Assert.AreEqual(ExitPolicy.Entropy, m.Policy);
    }

    [TestMethod]
    public void ManifestRoundTripsAndTheWholeModelOnTheEdgeHandsNothingOn()
    {
        var model = DeploymentModels.Mlp();
        using var packages = new EdgePackages();
        var whole = packages.Export(model, 3, "mlp").Manifest;
        Assert.IsTrue(whole.IsComplete);
        Assert.IsNull(whole.ActivationOutput);
        Assert.AreEqual(0, whole.ActivationShape.Count);
        Assert.AreEqual(2, whole.Thresholds.Count, "the final exit needs no threshold");

        var first = packages.Export(model, 1, "mlp").Manifest;
        using var buffer = new MemoryStream();
        first.Write(buffer);
        buffer.Position = 0;
        var back = EdgePackageManifest.Read(buffer, "memory");
        Assert.AreEqual(first.Model, back.Model);
        Assert.AreEqual(first.OnnxCrc32, back.OnnxCrc32);
        Assert.AreEqual(first.OnnxLength, back.OnnxLength);
        CollectionAssert.AreEqual(first.CloudThresholds.ToArray(), back.CloudThresholds.ToArray());
        CollectionAssert.AreEqual(first.Exits[0].OutputClasses.ToArray(), back.Exits[0].OutputClasses.ToArray());
        Assert.AreEqual(first.ToString(), back.ToString());
    }

    [TestMethod]
    public void DamagedOrMismatchedPackagesAreRefusedWithTheReason()
    {
        var model = DeploymentModels.Mlp();
        using var folder = new TempDirectory();
        new ModelSplit(model, 1, "mlp").ExportEdgePackage(folder.Path);
        string onnx = Path.Combine(folder.Path, ModelSplit.OnnxFileName), manifest = Path.Combine(folder.Path, EdgePackageManifest.FileName);
        var bytes = File.ReadAllBytes(onnx);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(onnx, bytes);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => EdgePackage.Load(folder.Path)).Message, "CRC-32");

        string json = File.ReadAllText(manifest);
        File.WriteAllText(manifest, json.Replace("\"entropy\"", "\"loudest\"", StringComparison.Ordinal));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => EdgePackage.Load(folder.Path)).Message, "policy 'loudest'");
        File.WriteAllText(manifest, json.Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => EdgePackage.Load(folder.Path)).Message, "version 7");
        File.WriteAllText(manifest, json.Replace("\"splitExit\": 1", "\"splitExit\": 2", StringComparison.Ordinal));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => EdgePackage.Load(folder.Path)).Message, "thresholds [0.5] must give 2 finite values");
        File.WriteAllText(manifest, "{ not json");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => EdgePackage.Load(folder.Path)).Message, "not valid JSON");
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => EdgePackage.Load(folder.File("missing")));

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ModelSplit(model, 4, "mlp")).Message, "1..3");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ModelSplit(model, 1, "bad id!")).Message, "bad id!");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => new ModelSplit(model, 3, "mlp").CreateCloudPartition()).Message, "no cloud part");
    }

    [TestMethod]
    public void LayersWithoutAnExportRuleAreRefusedByName()
    {
        var spec = NetworkSpec.ResNet(8, [3, 5, 8], inChannels: 1, imageSize: 8, classes: 3);
        var sets = MLNet.Losses.ExitClassSets.AllClasses(3, 3);
        var reflect = nn.Sequential(nn.Conv2d(1, 16, 3, padding: 1, padding_mode: PaddingModes.Reflect, bias: false), nn.BatchNorm2d(16), nn.ReLU());
        var network = new MultiExitNetwork(
            reflect,
            [nn.Sequential(new BasicBlock(16, 16)), nn.Sequential(new BasicBlock(16, 32, 2)), nn.Sequential(new BasicBlock(32, 64, 2))],
            [new ExitBranch(16, 3), new ExitBranch(32, 3), new ExitBranch(64, 3)]);
        var model = new ClassyNetModel(spec, network, sets, [0.5f, 0.5f]);
        using var folder = new TempDirectory();
        var error = Assert.ThrowsExactly<NotSupportedException>(() => new ModelSplit(model, 1, "reflect").ExportEdgePackage(folder.Path));
        StringAssert.Contains(error.Message, "stem.0");
        StringAssert.Contains(error.Message, "zero padding");
        Assert.IsFalse(File.Exists(Path.Combine(folder.Path, EdgePackageManifest.FileName)), "nothing half-written");

        var tanh = new MultiExitNetwork(
            nn.Sequential(),
            [nn.Sequential(nn.Linear(6, 16), nn.Tanh()), nn.Sequential(nn.Linear(16, 12), nn.ReLU()), nn.Sequential(nn.Linear(12, 8), nn.ReLU())],
            [new ExitBranch(16, 3), new ExitBranch(12, 3), new ExitBranch(8, 3)]);
        var mlp = new ClassyNetModel(NetworkSpec.Mlp(6, [16, 12, 8], classes: 3), tanh, sets, [0.5f, 0.5f]);
        StringAssert.Contains(Assert.ThrowsExactly<NotSupportedException>(() => new ModelSplit(mlp, 1, "tanh")).Message, "Tanh");
    }
}
