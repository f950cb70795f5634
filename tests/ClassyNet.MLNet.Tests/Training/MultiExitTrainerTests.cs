using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Optim;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Training;

[TestClass]
public sealed class MultiExitTrainerTests
{
    private static readonly TensorDataset Data = SyntheticData.FourClasses(512, seed: 5);

    [TestMethod]
    public void BranchyNetPresetEqualsPlainJointTraining()
    {
        float[] weights = [0.5f, 0.3f, 0.2f];
        var ours = Mlp(ExitClassSets.AllClasses(3, 4));
        new MultiExitTrainer(ours, new MultiExitTrainerOptions { Epochs = 1, BatchSize = 128, Shuffle = false, ExitLossWeights = weights }).Fit(Data);

        var plain = Mlp(ExitClassSets.AllClasses(3, 4));
        var adam = new Adam(plain.Parameters());
        for (int start = 0; start < Data.Count; start += 128)
        {
            using var scope = TensorScope.Begin();
            var x = Tensor.FromArray(Data.Features.AsSpan(start * 2, 128 * 2), 128, 2);
            var y = Data.Labels.AsSpan(start, 128).ToArray();
            adam.ZeroGrad();
            var logits = plain.Forward(x);
            Tensor loss = Functional.CrossEntropy(logits[0], y) * weights[0];
            loss = loss + (Functional.CrossEntropy(logits[1], y) * weights[1]);
            loss = loss + (Functional.CrossEntropy(logits[2], y) * weights[2]);
            loss.Backward();
            adam.Step();
        }

        AssertSameParameters(plain, ours);
    }

    [TestMethod]
    public void ClassAwareTrainingLearnsTheSyntheticTask()
    {
        var sets = ExitClassSets.Incremental([[0], [1]], 4);
        var net = Mlp(sets);
        var trainer = new MultiExitTrainer(net, new MultiExitTrainerOptions
        {
            ExitClasses = sets,
            Epochs = 15,
            BatchSize = 32,
            LearningRate = 0.01,
            ExitThresholds = [0.3f, 0.3f],
            ValidationFraction = 0.25f,
        });
        var reports = new List<TrainingProgress>();
        var result = trainer.Fit(Data, new SynchronousProgress<TrainingProgress>(reports.Add));
        Assert.AreEqual(15, result.Epochs.Count);
        Assert.IsTrue(result.Epochs[^1].Loss < result.Epochs[0].Loss * 0.7, $"loss {result.Epochs[0].Loss} -> {result.Epochs[^1].Loss}");
        var validation = result.Epochs[^1].Validation!;
        Assert.AreEqual(3, validation.Count);
        Assert.IsTrue(validation[2].Accuracy > 0.8, $"final-exit validation accuracy {validation[2].Accuracy}");
        Assert.AreEqual(1.0, validation.Sum(e => e.ExitRate), 1e-9, "every sample leaves at exactly one exit");
        Assert.IsTrue(reports.Count >= 15 * 12 && reports.All(r => r.SamplesPerSecond > 0));
        Assert.AreEqual(384, reports[^1].EpochSize);
    }

    [TestMethod]
    public void ResumedRunEqualsUninterruptedRun()
    {
        string dir = Directory.CreateTempSubdirectory("classynet-ckpt").FullName;
        try
        {
            var sets = ExitClassSets.MutuallyExclusive([[0], [1]], 4);
            MultiExitTrainerOptions Options(string? path) => new() { ExitClasses = sets, Epochs = 2, BatchSize = 64, Seed = 9, CheckpointPath = path };

            var straight = Mlp(sets);
            new MultiExitTrainer(straight, Options(null)).Fit(Data);

            string path = Path.Combine(dir, "run.ckpt");
            var first = Mlp(sets);
            var firstOptions = Options(path);
            firstOptions.Epochs = 1;
            new MultiExitTrainer(first, firstOptions).Fit(Data);
            Assert.IsTrue(File.Exists(path));

            var resumed = Mlp(sets, seed: 99); // different init: everything must come from the checkpoint
            var result = new MultiExitTrainer(resumed, Options(path)).Fit(Data);
            Assert.AreEqual(2, result.StartEpoch);
            Assert.AreEqual(1, result.Epochs.Count);
            AssertSameParameters(straight, resumed);
            Assert.AreEqual(0, Directory.GetFiles(dir, "*.tmp").Length, "checkpoints are written atomically");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void CancellationStopsAndSavesACheckpoint()
    {
        string path = Path.Combine(Path.GetTempPath(), $"classynet-cancel-{Guid.NewGuid():N}.ckpt");
        try
        {
            using var cts = new CancellationTokenSource();
            var net = Mlp(ExitClassSets.AllClasses(3, 4));
            var trainer = new MultiExitTrainer(net, new MultiExitTrainerOptions { Epochs = 5, BatchSize = 64, CheckpointPath = path });
            var result = trainer.Fit(Data, new SynchronousProgress<TrainingProgress>(_ => cts.Cancel()), cts.Token);
            Assert.IsTrue(result.Cancelled);
            Assert.IsTrue(File.Exists(path));
            Assert.AreEqual(0, trainer.LoadCheckpoint(path), "cancelled inside epoch 1: zero completed epochs");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void CheckpointThatDoesNotFitLeavesTheModelUntouched()
    {
        string path = Path.Combine(Path.GetTempPath(), $"classynet-bad-{Guid.NewGuid():N}.ckpt");
        try
        {
            var other = Architectures.Mlp(2, [8, 8, 8], 4, generator: new Generator(1));
            new MultiExitTrainer(other, new MultiExitTrainerOptions { Epochs = 1 }).SaveCheckpoint(path, 1);

            var net = Mlp(ExitClassSets.AllClasses(3, 4));
            var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            var trainer = new MultiExitTrainer(net, new MultiExitTrainerOptions { Epochs = 1 });
            var e = Assert.ThrowsExactly<InvalidDataException>(() => trainer.LoadCheckpoint(path));
            StringAssert.Contains(e.Message, "size mismatch");
            foreach (var (key, value) in net.StateDict())
            {
                CollectionAssert.AreEqual(before[key], value.ToArray(), key);
            }

            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.ThrowsExactly<InvalidDataException>(() => trainer.LoadCheckpoint(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void NonFiniteLossIsReportedWithStepAndExit()
    {
        var features = (float[])Data.Features.Clone();
        features.AsSpan().Fill(3e38f);
        var huge = new TensorDataset(features, Data.Labels, 2);
        var trainer = new MultiExitTrainer(Mlp(ExitClassSets.AllClasses(3, 4)), new MultiExitTrainerOptions { Epochs = 1 });
        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => trainer.Fit(huge));
        Assert.AreEqual(0, e.Step);
        Assert.AreEqual(0, e.Exit);
    }

    [TestMethod]
    public void BadConfigurationsAreRejectedWithTheirNames()
    {
        var sets = ExitClassSets.Incremental([[0], [1]], 4);
        var branchy = Mlp(ExitClassSets.AllClasses(3, 4));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { ExitClasses = sets }));
        StringAssert.Contains(e.Message, "exitOutputs");
        Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(Mlp(sets), new MultiExitTrainerOptions { ExitClasses = ExitClassSets.Incremental([[0]], 4) }));
        Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { InstanceMasking = true }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { BatchSize = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { ValidationFraction = 1f }));
        Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { ExitLossWeights = [1f, 1f] }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions { ExitThresholds = [0.1f, float.NaN] }));
        var badLabels = new TensorDataset(new float[4], [0, 7], 2);
        var label = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions()).Fit(badLabels));
        StringAssert.Contains(label.Message, "sample 1");
        var shape = Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(branchy, new MultiExitTrainerOptions()).Fit(new TensorDataset(new float[6], [0, 1], 3)));
        Assert.AreEqual("data", shape.ParamName);
        StringAssert.Contains(shape.Message, "[3]");
        var nan = Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset([0f, float.NaN], [0], 2));
        StringAssert.Contains(nan.Message, "sample 0");
        Assert.ThrowsExactly<ArgumentException>(() => new TensorDataset(new float[5], [0, 1], 2));
    }

    private static MultiExitNetwork Mlp(ExitClassSets sets, ulong seed = 3) =>
        Architectures.Mlp(2, [16, 16, 16], 4, sets.OutputCounts(), generator: new Generator(seed));

    private static void AssertSameParameters(MultiExitNetwork expected, MultiExitNetwork actual)
    {
        var a = actual.StateDict();
        foreach (var (key, value) in expected.StateDict())
        {
            CollectionAssert.AreEqual(value.ToArray(), a[key].ToArray(), $"{key} differs");
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
