using System.Buffers.Binary;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Deployment.Tests;

/// <summary>The edge program as its own process: answers equal the unsplit model's, and no TorchSharp or libtorch is loaded.</summary>
[TestClass]
public sealed class EdgeProcessTests
{
    [TestMethod]
    [Timeout(120_000)]
    public async Task EdgeProcessAnswersLikeTheUnsplitModelWithoutTorchSharpOrLibtorch()
    {
        using var folder = new TempDirectory();
        var model = DeploymentModels.Mlp(features: 784);
        const int n = 120;
        var random = new Random(21);
        var pixels = new byte[n * 784];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 4)).ToArray();
        File.WriteAllBytes(folder.File("images.idx"), Idx([n, 28, 28], pixels));
        File.WriteAllBytes(folder.File("labels.idx"), Idx([n], labels));
        var raw = pixels.Select(b => b / 255f).ToArray();
        model = SplitEquivalenceTests.MedianThresholds(model, raw, n);
        var unsplit = model.Predict(new TensorDataset(raw, labels.Select(l => (int)l).ToArray(), 784), batchSize: n);
        using var packages = new EdgePackages();
        var package = packages.Export(model, 1, "mlp");
        await using var service = await TestService.StartAsync([(model, "mlp")]);

        var (code, output, error) = EdgeProgram.Run(
            TestService.ApiKey,
            "run", "--package", package.Directory, "--cloud", service.Address.ToString(), "--images", folder.File("images.idx"), "--labels", folder.File("labels.idx"),
            "--batch", "8", "--output", folder.File("answers.jsonl"), "--process-report", folder.File("report.json"));
        Assert.AreEqual(0, code, output + error);
        StringAssert.Contains(output, "accuracy");

        var answers = File.ReadAllLines(folder.File("answers.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.AreEqual(n, answers.Length);
        for (int i = 0; i < n; i++)
        {
            Assert.AreEqual(i, answers[i].GetProperty("index").GetInt32());
            Assert.AreEqual(unsplit.Predictions[i].PredictedClass, answers[i].GetProperty("class").GetInt32(), $"sample {i}");
            Assert.AreEqual(unsplit.Predictions[i].Exit, answers[i].GetProperty("exit").GetInt32(), $"sample {i}");
            Assert.AreEqual(unsplit.Predictions[i].Exit == 0 ? "Edge" : "Cloud", answers[i].GetProperty("source").GetString(), $"sample {i}");
        }

        var report = JsonDocument.Parse(File.ReadAllText(folder.File("report.json"))).RootElement;
        var assemblies = report.GetProperty("assemblies").EnumerateArray().Select(a => a.GetString()!).ToArray();
        var libraries = report.GetProperty("nativeLibraries").EnumerateArray().Select(a => a.GetString()!).ToArray();
        CollectionAssert.Contains(assemblies, "Microsoft.ML.OnnxRuntime", "the edge part ran on ONNX Runtime");
        Assert.IsTrue(libraries.Any(l => l.EndsWith("libonnxruntime.so", StringComparison.Ordinal)), "libonnxruntime.so is mapped: " + string.Join(", ", libraries));
        Assert.IsFalse(assemblies.Any(a => a.Contains("Torch", StringComparison.OrdinalIgnoreCase)), "no TorchSharp assembly: " + string.Join(", ", assemblies));
        Assert.IsFalse(assemblies.Any(a => a.StartsWith("ClassyNet.MLNet", StringComparison.Ordinal) && a != "ClassyNet.MLNet.Core"), "not the TorchSharp-based library: " + string.Join(", ", assemblies));
        Assert.IsFalse(libraries.Any(l => l.Contains("torch", StringComparison.OrdinalIgnoreCase) || l.Contains("libc10", StringComparison.Ordinal)), "no libtorch library mapped: " + string.Join(", ", libraries));
        Assert.IsTrue(report.GetProperty("peakRssBytes").GetInt64() > 0);
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task EdgeProcessReportsUnavailableSamplesAndBadInputsWithExitCodes()
    {
        using var folder = new TempDirectory();
        var model = DeploymentModels.Mlp(features: 784);
        const int n = 16;
        var pixels = new byte[n * 784];
        new Random(3).NextBytes(pixels);
        File.WriteAllBytes(folder.File("images.idx"), Idx([n, 28, 28], pixels));
        model = SplitEquivalenceTests.MedianThresholds(model, pixels.Select(b => b / 255f).ToArray(), n);
        using var packages = new EdgePackages();
        var package = packages.Export(model, 1, "mlp");

        var down = EdgeProgram.Run(
            TestService.ApiKey,
            "run", "--package", package.Directory, "--cloud", $"http://127.0.0.1:{CloudServiceTests.FreePort()}", "--images", folder.File("images.idx"),
            "--attempts", "2", "--output", folder.File("answers.jsonl"));
        Assert.AreEqual(3, down.ExitCode, "some samples unanswered: " + down.Output + down.Error);
        var sources = File.ReadAllLines(folder.File("answers.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("source").GetString()).ToArray();
        CollectionAssert.IsSubsetOf(new[] { "Edge", "CloudUnavailable" }, sources.Distinct().ToArray());
        Assert.AreEqual(n, sources.Length, "every sample has a line");

        var noKey = EdgeProgram.Run(null, "run", "--package", package.Directory, "--cloud", "http://127.0.0.1:5005", "--images", folder.File("images.idx"));
        Assert.AreEqual(1, noKey.ExitCode);
        StringAssert.Contains(noKey.Error, "CLASSYNET_API_KEY");
        var noPackage = EdgeProgram.Run(TestService.ApiKey, "bench", "--package", folder.File("nowhere"));
        Assert.AreEqual(1, noPackage.ExitCode);
        StringAssert.Contains(noPackage.Error, "nowhere");

        var bench = EdgeProgram.Run(null, "bench", "--package", package.Directory, "--seconds", "0.2");
        Assert.AreEqual(0, bench.ExitCode, bench.Output + bench.Error);
        StringAssert.Contains(bench.Output, "RESULT edge_latency_b1_exit1_ms ");
        StringAssert.Contains(bench.Output, "RESULT edge_peak_rss_mb ");
        await Task.CompletedTask;
    }

    /// <summary>An IDX file of unsigned bytes with the given dimensions.</summary>
    internal static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dimensions.Length));
        return bytes;
    }
}
