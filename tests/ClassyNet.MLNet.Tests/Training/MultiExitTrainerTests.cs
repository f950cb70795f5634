using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;
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

        // The plain PyTorch-style loop: zero_grad, forward, weighted cross-entropy, backward, step.
        var plain = Mlp(ExitClassSets.AllClasses(3, 4));
        var adam = optim.Adam(plain.parameters());
        plain.train();
        for (int start = 0; start < Data.Count; start += 128)
        {
            using var scope = NewDisposeScope();
            var x = tensor(Data.Features[(start * 2)..((start + 128) * 2)], [128, 2]);
            var y = tensor(Data.Labels[start..(start + 128)].Select(v => (long)v).ToArray());
            adam.zero_grad();
            var logits = plain.forward(x);
            var loss = nn.functional.cross_entropy(logits[0], y) * weights[0];
            loss = loss + (nn.functional.cross_entropy(logits[1], y) * weights[1]);
            loss = loss + (nn.functional.cross_entropy(logits[2], y) * weights[2]);
            loss.backward();
            adam.step();
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

        // Each epoch ends with one report carrying its metrics, sent before the next epoch's first step; the running
        // mean loss of the step reports is the mean of the steps' losses and ends at the epoch's loss.
        var ends = reports.Select((r, i) => (r, i)).Where(x => x.r.CompletedEpoch is not null).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(1, 15).ToArray(), ends.Select(x => x.r.CompletedEpoch!.Epoch).ToArray());
        for (int e = 0; e < 15; e++)
        {
            Assert.AreSame(result.Epochs[e], ends[e].r.CompletedEpoch);
            var steps = reports.Take(ends[e].i).Skip(e == 0 ? 0 : ends[e - 1].i + 1).ToList();
            Assert.IsTrue(steps.All(r => r.Epoch == e + 1 && r.CompletedEpoch is null));
            for (int k = 0; k < steps.Count; k++)
            {
                Assert.AreEqual(steps.Take(k + 1).Average(r => (double)r.Loss), steps[k].EpochMeanLoss, 1e-9);
                Assert.AreEqual(k + 1, steps[k].BatchInEpoch);
            }

            Assert.AreEqual(result.Epochs[e].Loss, steps[^1].EpochMeanLoss, 1e-9);
            Assert.AreEqual(384, steps[^1].SamplesInEpoch);
        }
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
    public void RunCancelledMidEpochResumesToTheSameWeights()
    {
        string dir = Directory.CreateTempSubdirectory("classynet-ckpt").FullName;
        try
        {
            MultiExitTrainerOptions Options(string? path) => new() { Epochs = 2, BatchSize = 32, Seed = 4, CheckpointPath = path };
            var straight = DropoutMlp(seed: 1);
            new MultiExitTrainer(straight, Options(null)).Fit(Data);

            string path = Path.Combine(dir, "run.ckpt");
            using var cts = new CancellationTokenSource();
            var first = DropoutMlp(seed: 1);
            int steps = 0;
            var stopped = new MultiExitTrainer(first, Options(path)).Fit(Data, new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.CompletedEpoch is null && ++steps == 21)
                {
                    cts.Cancel(); // in epoch 2 (16 steps per epoch), after 5 of its batches
                }
            }), cts.Token);
            Assert.IsTrue(stopped.Cancelled);

            manual_seed(777); // whatever happened to libtorch's generator since, the checkpoint restores it
            var resumed = DropoutMlp(seed: 2);
            var trainer = new MultiExitTrainer(resumed, Options(path));
            var reports = new List<TrainingProgress>();
            var result = trainer.Fit(Data, new SynchronousProgress<TrainingProgress>(reports.Add));
            Assert.AreEqual(2, result.StartEpoch);
            Assert.AreEqual(6, reports[0].BatchInEpoch, "the resumed epoch continues after the 5 batches done before Ctrl+C");
            Assert.AreEqual(6 * 32, reports[0].SamplesInEpoch, "and counts them as done");
            Assert.AreEqual(32, trainer.StepCount);
            AssertSameParameters(straight, resumed);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void SameSeedGivesTheSameWeightsEvenWithDropout()
    {
        var a = DropoutMlp(seed: 1);
        var b = DropoutMlp(seed: 1);
        new MultiExitTrainer(a, new MultiExitTrainerOptions { Epochs = 2, BatchSize = 32, Seed = 8 }).Fit(Data);
        manual_seed(99);
        new MultiExitTrainer(b, new MultiExitTrainerOptions { Epochs = 2, BatchSize = 32, Seed = 8 }).Fit(Data);
        AssertSameParameters(a, b);
    }

    [TestMethod]
    public void OneTrainingEpochLeavesNoTensorBehind()
    {
        var sets = ExitClassSets.Incremental([[0], [1]], 4);
        var net = Mlp(sets);
        var options = new MultiExitTrainerOptions { ExitClasses = sets, Epochs = 1, BatchSize = 32, ExitThresholds = [0.5f, 0.5f], InstanceMasking = true, CostMatrices = CostMatrices.Targeted(0.5f, 2f, 1f, 3f), ValidationFraction = 0.2f };
        new MultiExitTrainer(net, options).Fit(Data); // builds the loss tables and the optimiser state
        var trainer = new MultiExitTrainer(net, options);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Fit(Data);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        // The new trainer's Adam state (two tensors per parameter) and loss tables are created before 'before'.
        Assert.AreEqual(before, after, "an epoch of training and validation must leave the count of live libtorch tensors unchanged");
    }

    [TestMethod]
    public void UnknownOrMissingDeviceIsAClearError()
    {
        var net = Mlp(ExitClassSets.AllClasses(3, 4));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(net, new MultiExitTrainerOptions { Device = "tpu" }));
        Assert.AreEqual("options.Device", e.ParamName);
        StringAssert.Contains(e.Message, "'tpu'");
        if (!cuda.is_available())
        {
            e = Assert.ThrowsExactly<ArgumentException>(() => new MultiExitTrainer(net, new MultiExitTrainerOptions { Device = "cuda" }));
            StringAssert.Contains(e.Message, "CUDA");
        }

        Assert.AreEqual(DeviceType.CPU, new MultiExitTrainer(net, new MultiExitTrainerOptions { Device = "cpu" }).Device.type);
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
            var before = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            var trainer = new MultiExitTrainer(net, new MultiExitTrainerOptions { Epochs = 1 });
            var e = Assert.ThrowsExactly<InvalidDataException>(() => trainer.LoadCheckpoint(path));
            StringAssert.Contains(e.Message, "size mismatch");
            foreach (var (key, value) in net.state_dict())
            {
                Assert.IsTrue(TensorAssert.Same(before[key], value), key);
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

    /// <summary>An MLP whose exit heads have a hidden layer with dropout, so training draws from libtorch's generator.</summary>
    private static MultiExitNetwork DropoutMlp(ulong seed)
    {
        var head = new ExitBranchOptions { HiddenFeatures = [8], Dropout = 0.5f };
        var net = new MultiExitNetwork(
            nn.Sequential(),
            [nn.Sequential(nn.Linear(2, 16), nn.ReLU()), nn.Sequential(nn.Linear(16, 16), nn.ReLU())],
            [new ExitBranch(16, 4, head), new ExitBranch(16, 4, head)]);
        using var generator = new Generator(seed);
        LayerInit.Reset(net, generator);
        return net;
    }

    private static void AssertSameParameters(MultiExitNetwork expected, MultiExitNetwork actual)
    {
        var a = actual.state_dict();
        foreach (var (key, value) in expected.state_dict())
        {
            Assert.IsTrue(TensorAssert.Same(value, a[key]), $"{key} differs");
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
