using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Pruning;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Deployment;

[TestClass]
public sealed class PruningTests
{
    // ResNet-8 with two exits: stage 0 = stem, block 0 (16 ch) and block 1 (32 ch, conv shortcut); stage 1 = block 2 (64 ch, conv shortcut).
    private static MultiExitNetwork ResNet8(int seed = 1) => Architectures.ResNet(8, [5, 8], inChannels: 1, classes: 4, generator: new Generator((ulong)seed));

    /// <summary>
    /// Zeroes BN scale and shift of the second half of every channel group, so those channels output exactly 0 (eval
    /// mode), and shifts the first half up so that their maps are not all zero after the ReLU.
    /// </summary>
    private static void KillSecondHalf(MultiExitNetwork net)
    {
        using var noGrad = no_grad();
        var p = net.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        void Kill(string bn, long channels)
        {
            p[bn + ".weight"][TensorIndex.Slice(channels / 2)].zero_();
            p[bn + ".bias"][TensorIndex.Slice(channels / 2)].zero_();
            p[bn + ".bias"][TensorIndex.Slice(0, channels / 2)].fill_(0.5);
        }

        Kill("stem.1", 16);
        Kill("stages.0.0.bn1", 16);
        Kill("stages.0.0.bn2", 16);
        Kill("stages.0.1.bn1", 32);
        Kill("stages.0.1.bn2", 32);
        Kill("stages.0.1.shortcut.1", 32);
        Kill("stages.1.0.bn1", 64);
        Kill("stages.1.0.bn2", 64);
        Kill("stages.1.0.shortcut.1", 64);
    }

    [TestMethod]
    public void HRankRemovesDeadChannelsAndKeepsTheOutputsExactly()
    {
        var net = ResNet8();
        KillSecondHalf(net);
        net.eval();
        using var calibration = rand(32, 1, 12, 12, generator: new Generator(7));
        var ranks = FilterRankPruner.MeasureRanks(net, calibration, batchSize: 10);
        Assert.AreEqual(3, ranks.Stream.Count, "stem + block 0, block 1, block 2");
        Assert.AreEqual(32, ranks.Images);
        foreach (var group in ranks.Stream.Concat(ranks.Inner))
        {
            int half = group.Length / 2;
            Assert.IsTrue(group.Skip(half).All(r => r == 0), "dead channels have rank 0");
            Assert.IsTrue(group.Take(half).Count(r => r > 0) >= half - 1, "live channels have feature maps of rank > 0 (one may be all negative before its ReLU)");
        }

        var half8 = new ChannelPlan
        {
            InChannels = 1,
            StemWidth = 8,
            Blocks = [new(8, 8, 1, false), new(16, 16, 2, true), new(32, 32, 2, true)],
            StageBlocks = [2, 1],
            ExitOutputs = [4, 4],
        };
        var plan = FilterRankPruner.PlanFor(net, half8.ParameterCount());
        Assert.AreEqual(half8.ToJson(), plan.ToJson(), "the budget of exactly half of every group gives those widths");

        var pruned = FilterRankPruner.Prune(net, ranks, plan);
        Assert.AreEqual(plan.ParameterCount(), pruned.parameters().Sum(t => t.numel()));
        Assert.IsTrue(plan.ParameterCount() < net.parameters().Sum(t => t.numel()) / 3);
        Assert.IsTrue(NetworkAccounting.Measure(pruned, [1, 12, 12]).TotalMacs < NetworkAccounting.Measure(net, [1, 12, 12]).TotalMacs / 3);

        pruned.eval();
        using var x = randn(5, 1, 12, 12, generator: new Generator(8));
        var expected = net.forward(x);
        var actual = pruned.forward(x);
        for (int m = 0; m < 2; m++)
        {
            TensorAssert.Close(expected[m], actual[m], 1e-5, $"exit {m}");
        }
    }

    [TestMethod]
    public void HRankPlansNeverExceedTheBudgetAndRefuseTheImpossible()
    {
        var net = ResNet8();
        long full = net.parameters().Sum(t => t.numel());
        Assert.AreEqual(full, FilterRankPruner.PlanFor(net, full).ParameterCount(), "a network that fits stays as it is");
        foreach (long max in new[] { full / 2, full / 10, full / 50 })
        {
            var plan = FilterRankPruner.PlanFor(net, max);
            Assert.IsTrue(plan.ParameterCount() <= max, $"{plan.ParameterCount()} > {max}");
            Assert.AreEqual(plan.ParameterCount(), plan.Build().parameters().Sum(t => t.numel()));
            Assert.AreEqual(plan.ToJson(), ChannelPlan.FromJson(plan.ToJson()).ToJson());
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => FilterRankPruner.PlanFor(net, 50));
        StringAssert.Contains(e.Message, "even one channel per group");
        Assert.ThrowsExactly<NotSupportedException>(() => FilterRankPruner.PlanFor(Architectures.Mlp(4, [8, 8], 3), 10));
    }

    [TestMethod]
    public void MagnitudePruningZeroesSmallWeightsPerLayerSensitivity()
    {
        var net = ResNet8();
        long total = net.parameters().Sum(t => t.numel());
        long max = total / 10;
        var before = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        using var masks = MagnitudePruner.Prune(net, max);
        long nonZero = MagnitudePruner.NonZeroParameters(net);
        Assert.IsTrue(nonZero <= max, $"{nonZero} > {max}");
        Assert.IsTrue(nonZero > max * 0.95, "the sensitivity is the smallest that fits, so little more could be kept");
        foreach (var (name, p) in net.named_parameters())
        {
            var original = before[name];
            if (p.dim() < 2)
            {
                Assert.IsTrue(TensorAssert.Same(p, original), $"{name} (not a conv/linear weight) is untouched");
                continue;
            }

            double threshold = masks.Sensitivity * original.std().item<float>();
            var kept = p.ne(0);
            Assert.IsTrue(original.abs().masked_select(kept).ge(threshold).all().item<bool>(), $"{name}: every kept weight is above s x std");
            Assert.IsTrue(original.abs().masked_select(kept.logical_not()).le(threshold).all().item<bool>(), $"{name}: every removed weight is below s x std");
            Assert.IsTrue(TensorAssert.Same(p.masked_select(kept), original.masked_select(kept)), $"{name}: kept weights are unchanged");
        }

        var e = Assert.ThrowsExactly<ArgumentException>(() => MagnitudePruner.Prune(ResNet8(), 100));
        StringAssert.Contains(e.Message, "biases and batch-norm parameters alone");
    }

    [TestMethod]
    public void SingleExitBaselineKeepsTheFinalExitsOutputs()
    {
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(8, [3, 5, 8], 1, 12, 4), ExitClassSets.AllClasses(3, 4), [0f, 0f], seed: 3);
        var single = SingleExitBaseline.From(model);
        Assert.AreEqual(1, single.ExitCount);
        Assert.AreEqual(model.Network.parameters().Sum(p => p.numel()) - (16 * 4) - 4 - (32 * 4) - 4, single.Network.parameters().Sum(p => p.numel()));
        model.Network.eval();
        single.Network.eval();
        using var x = randn(3, 1, 12, 12, generator: new Generator(2));
        TensorAssert.Close(model.Network.forward(x)[2], single.Network.forward(x)[0], 1e-6, "final exit");
        Assert.AreSame(single, SingleExitBaseline.From(single));
        Assert.ThrowsExactly<NotSupportedException>(() => SingleExitBaseline.From(ClassyNetModel.Create(NetworkSpec.Mlp(4, [8, 8], 3), ExitClassSets.AllClasses(2, 3), [0f])));
    }

    [TestMethod]
    public void PruneToABudgetFineTunesMeasuresAndRoundTrips()
    {
        var (train, test) = Images(seed: 4);
        var model = ClassyNetModel.Create(NetworkSpec.ResNet(8, [5, 8], 1, 8, 2), ExitClassSets.AllClasses(2, 2), [0f], seed: 5);
        long baseline = SingleExitBaseline.From(model).Network.parameters().Sum(p => p.numel());
        using var folder = new TempDirectory();
        foreach (var method in new[] { PruningMethod.Magnitude, PruningMethod.HRank })
        {
            var options = new PruningOptions
            {
                Method = method,
                Budget = MemoryBudget.Parse("300KB"),
                FineTuneEpochs = 1,
                CalibrationSamples = 40,
                LatencyRepeats = 3,
            };
            var lines = new List<string>();
            var (pruned, result) = ModelPruner.Prune(model, train, test, options, new Inline(lines));
            Assert.AreEqual(300L * 1024 / 64, result.MaxParameters);
            Assert.AreEqual(baseline, result.BaselineParameters);
            Assert.IsTrue(result.NonZeroParameters <= result.MaxParameters, $"{method}: {result.NonZeroParameters} > {result.MaxParameters} after fine-tuning");
            Assert.IsTrue(result.PaperFormulaBytes <= options.Budget!.Bytes);
            Assert.AreEqual(test.Count, result.TestSamples);
            Assert.IsTrue(result.LatencyMs > 0 && result.BaselineLatencyMs > 0);
            Assert.AreEqual(pruned.Accuracy(test), result.Accuracy, 1e-12);
            if (method == PruningMethod.HRank)
            {
                Assert.IsTrue(result.Parameters <= result.MaxParameters, "channels are really removed");
                Assert.IsTrue(result.Macs < result.BaselineMacs);
                Assert.IsNotNull(pruned.Plan);
            }
            else
            {
                Assert.AreEqual(baseline, result.Parameters, "masks keep the tensors dense");
                Assert.AreEqual(result.BaselineMacs, result.Macs);
            }

            Assert.IsTrue(lines.Count >= 3, string.Join("\n", lines));
            string path = folder.File($"{method}.zip");
            pruned.Save(path);
            var loaded = PrunedModel.Load(path);
            Assert.AreEqual(method, loaded.Method);
            Assert.AreEqual(result, loaded.Result);
            pruned.Network.eval();
            using var x = randn(4, 1, 8, 8, generator: new Generator(1));
            TensorAssert.Close(pruned.Network.forward(x)[0], loaded.Network.forward(x)[0], 0, "round trip");
        }

        Assert.AreEqual((long)Math.Floor(0.0206 * 1000), ModelPruner.Target(new PruningOptions { Method = PruningMethod.HRank, Reduction = 0.9794 }, 1000).MaxParameters);
        Assert.ThrowsExactly<ArgumentException>(() => ModelPruner.Target(new PruningOptions { Method = PruningMethod.HRank }, 1000));
        File.WriteAllText(folder.File("bad.zip"), "not a zip");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PrunedModel.Load(folder.File("bad.zip")));
        StringAssert.Contains(e.Message, "bad.zip");
    }

    /// <summary>8x8 one-channel images whose label says whether the top half is brighter than the bottom half.</summary>
    private static (TensorDataset Train, TensorDataset Test) Images(int seed)
    {
        var rng = new Random(seed);
        TensorDataset Make(int n)
        {
            var features = new float[n * 64];
            var labels = new int[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = i % 2;
                for (int p = 0; p < 64; p++)
                {
                    bool top = p < 32;
                    features[(i * 64) + p] = (float)(rng.NextDouble() * 0.5) + ((top == (labels[i] == 1)) ? 0.5f : 0f);
                }
            }

            return new TensorDataset(features, labels, 1, 8, 8);
        }

        return (Make(160), Make(60));
    }

    private sealed class Inline(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
