using System.IO.Compression;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Inference;

[TestClass]
public sealed class ClassyNetModelTests
{
    [TestMethod]
    public void SpecJsonRoundTripsAndRebuildsTheSameParameters()
    {
        foreach (var spec in new[]
        {
            NetworkSpec.ResNet(20, [7, 13, 20], inChannels: 1, imageSize: 28, classes: 10, exitOutputs: [2, 3, 10]),
            NetworkSpec.Mlp(5, [16, 8, 8], classes: 4, exitOutputs: [2, 3, 4], layersPerStage: 2),
            NetworkSpec.AlexNet(3, 32, 10),
        })
        {
            var back = NetworkSpec.FromJson(spec.ToJson());
            Assert.AreEqual(spec.ToJson(), back.ToJson());
            Assert.AreEqual(spec.Kind, back.Kind);
            CollectionAssert.AreEqual(spec.InputShape.ToArray(), back.InputShape.ToArray());
            var a = spec.Build(new Generator(3)).state_dict();
            var b = back.Build(new Generator(3)).state_dict();
            CollectionAssert.AreEqual(a.Keys.ToArray(), b.Keys.ToArray());
            foreach (var key in a.Keys)
            {
                Assert.IsTrue(TensorAssert.Same(a[key], b[key]), key);
            }
        }

        StringAssert.Contains(NetworkSpec.ResNet(20, [7, 13, 20], 1, 28, 10).ToJson(), "\"kind\": \"resnet\"");
    }

    [TestMethod]
    public void SpecRejectsBadJsonWithClearMessages()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => NetworkSpec.FromJson("{\"kind\": \"vgg\", \"classes\": 10}"));
        StringAssert.Contains(e.Message, "vgg");
        e = Assert.ThrowsExactly<InvalidDataException>(() => NetworkSpec.FromJson("{\"kind\": \"resnet\", \"depth\": 21, \"exitsAfterLayer\": [21], \"inChannels\": 1, \"imageSize\": 28, \"classes\": 10, \"exitOutputs\": [10]}"));
        StringAssert.Contains(e.Message, "6n + 2");
        Assert.ThrowsExactly<InvalidDataException>(() => NetworkSpec.FromJson("{not json"));
        var arg = Assert.ThrowsExactly<ArgumentException>(() => NetworkSpec.Mlp(4, [8, 8], 3, exitOutputs: [2, 2]));
        StringAssert.Contains(arg.Message, "exitOutputs");
    }

    [TestMethod]
    public void SaveLoadGivesBitwiseIdenticalEarlyExitPredictions()
    {
        using var dir = new TempDirectory();
        var sets = ExitClassSets.Incremental([[3], [1]], classCount: 4);
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(8, [3, 5, 8], inChannels: 2, imageSize: 10, classes: 4), sets, [1.2f, 1.0f], seed: 7);
        model = new ClassyNetModel(model.Spec, model.Network, model.ExitClasses, [1.2f, 1.0f])
        {
            ClassNames = ["a", "b", "c", "d"],
            Normalization = new InputNormalization(0.5f, [0.1f, 0.2f], [0.9f, 1.1f]),
            Mode = "cn",
            Metadata = new Dictionary<string, string> { ["dataset"] = "random", ["epochs"] = "0" },
        };
        using (no_grad())
        {
            model.Network.state_dict()["exits.0.fc.bias"][1] = -3f; // fewer bag answers at exit 1, so some samples leave there
        }

        var data = RandomImages(64, [2, 10, 10], classes: 4, seed: 1);
        var before = model.Predict(data, batchSize: 16);
        Assert.IsTrue(before.ExitCounts()[0] > 0 || before.ExitCounts()[1] > 0, "the test needs some early exits: " + string.Join(",", before.ExitCounts()));

        string path = dir.File("model.zip");
        model.Save(path);
        var loaded = ClassyNetModel.Load(path);
        var after = loaded.Predict(data, batchSize: 16);

        Assert.AreEqual("cn", loaded.Mode);
        CollectionAssert.AreEqual(new[] { "a", "b", "c", "d" }, loaded.ClassNames!.ToArray());
        Assert.AreEqual("random", loaded.Metadata["dataset"]);
        CollectionAssert.AreEqual(model.Thresholds.ToArray(), loaded.Thresholds.ToArray());
        CollectionAssert.AreEqual(model.Normalization.Std.ToArray(), loaded.Normalization.Std.ToArray());
        Assert.AreEqual(model.ExitClasses.ToString(), loaded.ExitClasses.ToString());
        Assert.IsTrue(loaded.ExitClasses.BagOfClasses);
        for (int i = 0; i < data.Count; i++)
        {
            var p = before.Predictions[i];
            var q = after.Predictions[i];
            Assert.AreEqual(p.PredictedClass, q.PredictedClass);
            Assert.AreEqual(p.Exit, q.Exit);
            Assert.AreEqual(BitConverter.SingleToInt32Bits(p.Score), BitConverter.SingleToInt32Bits(q.Score), $"sample {i}");
            CollectionAssert.AreEqual(p.Probabilities.Select(BitConverter.SingleToInt32Bits).ToArray(), q.Probabilities.Select(BitConverter.SingleToInt32Bits).ToArray());
        }

        Assert.AreEqual(before.ExecutedMacs, after.ExecutedMacs);
    }

    [TestMethod]
    public void WithThresholdsReplacesThresholdsAndRecalibrateWritesThemBack()
    {
        using var dir = new TempDirectory();
        var sets = ExitClassSets.AllClasses(3, 3);
        var model = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8, 8], 3), sets, [0f, 0f], seed: 2);
        var replaced = model.WithThresholds([0.5f, 0.25f], ExitPolicy.MaxProbability);
        CollectionAssert.AreEqual(new[] { 0.5f, 0.25f }, replaced.Thresholds.ToArray());
        Assert.AreEqual(ExitPolicy.MaxProbability, replaced.Policy);
        Assert.AreSame(model.Network, replaced.Network);
        CollectionAssert.AreEqual(new[] { 0f, 0f }, model.Thresholds.ToArray(), "the original keeps its thresholds");

        var data = RandomFlat(200, 4, 3, seed: 4);
        var (calibrated, result) = model.Recalibrate(data, new ThresholdCalibrationOptions { MaxAccuracyDrop = 1.0 });
        CollectionAssert.AreEqual(result.Thresholds.ToArray(), calibrated.Thresholds.ToArray());
        Assert.IsTrue(result.ConstraintsSatisfied);
        Assert.IsTrue(result.ExitRates[0] > 0.9, "with any accuracy drop allowed, almost everything leaves at exit 1");
        string path = dir.File("m.zip");
        calibrated.Save(path);
        CollectionAssert.AreEqual(result.Thresholds.ToArray(), ClassyNetModel.Load(path).Thresholds.ToArray());
    }

    [TestMethod]
    public void PrepareInputsReshapesFlatDataAndRejectsMismatches()
    {
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(8, [3, 8], 1, 6, 3), ExitClassSets.AllClasses(2, 3), [0.1f]);
        var flat = RandomFlat(5, 36, 3, seed: 1);
        CollectionAssert.AreEqual(new[] { 1, 6, 6 }, model.PrepareInputs(flat).SampleShape);
        var e = Assert.ThrowsExactly<ArgumentException>(() => model.PrepareInputs(RandomFlat(5, 35, 3, seed: 1)));
        StringAssert.Contains(e.Message, "expects [1, 6, 6]");
        e = Assert.ThrowsExactly<ArgumentException>(() => model.PrepareInputs(RandomFlat(50, 36, 5, seed: 1)));
        StringAssert.Contains(e.Message, "3 classes");
    }

    [TestMethod]
    public void DamagedTruncatedAndForeignFilesGiveClearErrors()
    {
        using var dir = new TempDirectory();
        var model = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8], 3), ExitClassSets.AllClasses(2, 3), [0.3f]);
        string good = dir.File("good.zip");
        model.Save(good);
        var bytes = File.ReadAllBytes(good);

        string truncated = dir.File("truncated.zip");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(truncated));
        StringAssert.Contains(e.Message, "truncated.zip");
        StringAssert.Contains(e.Message, "not a valid ClassyNet model");

        string garbage = dir.File("garbage.zip");
        File.WriteAllText(garbage, "this is not a zip file at all");
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(garbage));
        StringAssert.Contains(e.Message, "zip");

        string future = dir.File("future.zip");
        Rewrite(good, future, ClassyNetModel.ManifestEntry, text => text.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(future));
        StringAssert.Contains(e.Message, "version 2");

        string foreign = dir.File("foreign.zip");
        Rewrite(good, foreign, ClassyNetModel.ManifestEntry, text => text.Replace("classynet-model", "something-else", StringComparison.Ordinal));
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(foreign));
        StringAssert.Contains(e.Message, "something-else");

        string noWeights = dir.File("noweights.zip");
        Rewrite(good, noWeights, ClassyNetModel.WeightsEntry, null);
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(noWeights));
        StringAssert.Contains(e.Message, "weights.safetensors");

        string wrongSpec = dir.File("wrongspec.zip");
        Rewrite(good, wrongSpec, ClassyNetModel.SpecEntry, _ => NetworkSpec.Mlp(4, [16, 8], 3).ToJson());
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(wrongSpec));
        StringAssert.Contains(e.Message, "do not match the spec");

        string badManifest = dir.File("badmanifest.zip");
        Rewrite(good, badManifest, ClassyNetModel.ManifestEntry, _ => "{ \"format\": ");
        e = Assert.ThrowsExactly<InvalidDataException>(() => ClassyNetModel.Load(badManifest));
        StringAssert.Contains(e.Message, "badmanifest.zip");

        Assert.ThrowsExactly<FileNotFoundException>(() => ClassyNetModel.Load(dir.File("missing.zip")));
    }

    [TestMethod]
    public void FailedSaveLeavesTheExistingFileUntouchedAndNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        var model = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8], 3), ExitClassSets.AllClasses(2, 3), [0.3f]);
        string path = dir.File("model.zip");
        model.Save(path);
        var original = File.ReadAllBytes(path);

        var broken = ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8], 3), ExitClassSets.AllClasses(2, 3), [0.3f], seed: 9);
        // A complex buffer has no safetensors dtype: writing the weights now fails half-way through the zip.
        broken.Network.Exits[1].register_buffer("unwritable", zeros(2, ScalarType.ComplexFloat32));
        Assert.Throws<Exception>(() => broken.Save(path));

        CollectionAssert.AreEqual(original, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "model.zip" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray());
        Assert.AreEqual(0.3f, ClassyNetModel.Load(path).Thresholds[0]);
    }

    private static void Rewrite(string source, string target, string entryName, Func<string, string>? change)
    {
        using var input = ZipFile.OpenRead(source);
        using var output = ZipFile.Open(target, ZipArchiveMode.Create);
        foreach (var entry in input.Entries)
        {
            if (entry.FullName == entryName && change is null)
            {
                continue;
            }

            using var read = entry.Open();
            using var buffer = new MemoryStream();
            read.CopyTo(buffer);
            var data = buffer.ToArray();
            if (entry.FullName == entryName)
            {
                data = Encoding.UTF8.GetBytes(change!(Encoding.UTF8.GetString(data)));
            }

            using var write = output.CreateEntry(entry.FullName).Open();
            write.Write(data);
        }
    }

    private static TensorDataset RandomImages(int count, int[] shape, int classes, int seed)
    {
        var rng = new Random(seed);
        int size = shape.Aggregate(1, (a, d) => a * d);
        var x = new float[count * size];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return new TensorDataset(x, Enumerable.Range(0, count).Select(_ => rng.Next(classes)).ToArray(), shape);
    }

    private static TensorDataset RandomFlat(int count, int features, int classes, int seed) => RandomImages(count, [features], classes, seed);
}
