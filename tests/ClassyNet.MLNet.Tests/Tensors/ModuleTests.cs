using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Tensors;
using ClassyNet.MLNet.Tensors.Nn;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using F = ClassyNet.MLNet.Tensors.Functional;

namespace ClassyNet.MLNet.Tests.Tensors;

[TestClass]
public sealed class ModuleTests
{
    private static MultiExitNetwork R20(ulong seed) => Architectures.ResNet(20, [7, 13, 20], generator: new Generator(seed));

    private static Dictionary<string, float[]> Snapshot(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private static void AssertSameValues(Dictionary<string, float[]> before, Module m)
    {
        var after = m.StateDict();
        CollectionAssert.AreEqual(before.Keys.ToList(), after.Keys.ToList());
        foreach (var (key, values) in before)
        {
            CollectionAssert.AreEqual(values, after[key].ToArray(), key);
        }
    }

    [TestMethod]
    public void R20StateDictKeysAndOrder()
    {
        var net = R20(1);
        var keys = net.StateDict().Keys.ToList();
        string[] first =
        [
            "stem.0.weight", "stem.1.weight", "stem.1.bias", "stem.1.running_mean", "stem.1.running_var", "stem.1.num_batches_tracked",
            "stages.0.0.conv1.weight", "stages.0.0.bn1.weight", "stages.0.0.bn1.bias", "stages.0.0.bn1.running_mean",
            "stages.0.0.bn1.running_var", "stages.0.0.bn1.num_batches_tracked", "stages.0.0.conv2.weight", "stages.0.0.bn2.weight",
        ];
        CollectionAssert.AreEqual(first, keys.Take(first.Length).ToList());
        foreach (var k in new[]
        {
            "stages.0.1.conv1.weight", "stages.0.2.bn2.running_var", "stages.1.0.shortcut.0.weight", "stages.1.0.shortcut.1.running_mean",
            "stages.2.0.shortcut.0.weight", "stages.2.2.conv2.weight", "exits.0.fc.weight", "exits.1.fc.bias", "exits.2.fc.bias",
        })
        {
            CollectionAssert.Contains(keys, k);
        }

        Assert.IsFalse(keys.Any(k => k.StartsWith("stages.0.0.shortcut", StringComparison.Ordinal)), "no shortcut where shapes agree");
        Assert.IsFalse(keys.Any(k => k.StartsWith("stages.1.1.shortcut", StringComparison.Ordinal)));
        Assert.AreEqual("exits.2.fc.bias", keys[^1]);
        Assert.AreEqual("exits.2.fc.weight", keys[^2]);
        // Stages come before exits and in order.
        Assert.IsTrue(keys.IndexOf("stages.2.2.bn2.num_batches_tracked") < keys.IndexOf("exits.0.fc.weight"));
        Assert.IsTrue(keys.IndexOf("stages.1.0.bn2.num_batches_tracked") < keys.IndexOf("stages.1.0.shortcut.0.weight"));
        // Per block: conv1, bn1 (5 entries), conv2, bn2 (5), optional shortcut conv + bn (6) => 12 or 18; stem 6; exits 6.
        Assert.AreEqual(6 + 9 * 12 + 2 * 6 + 6, keys.Count);
        CollectionAssert.AreEqual(new[] { 16, 1, 3, 3 }, net.StateDict()["stem.0.weight"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 32, 16, 1, 1 }, net.StateDict()["stages.1.0.shortcut.0.weight"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 64, 32, 3, 3 }, net.StateDict()["stages.2.0.conv1.weight"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10, 64 }, net.StateDict()["exits.2.fc.weight"].Shape.ToArray());
        CollectionAssert.AreEqual(new[] { 10, 16 }, net.StateDict()["exits.0.fc.weight"].Shape.ToArray());
    }

    [TestMethod]
    public void R20ParameterCount()
    {
        var net = R20(1);
        // stem: conv 1*16*9 = 144, bn 2*16 = 32.
        // stage 0: 3 blocks 16->16: 3 * (2 * 16*16*9 + 4*16) = 3 * 4672 = 14016.
        // stage 1: 16->32 stride 2: 16*32*9 + 32*32*9 + 16*32 (shortcut) + 3 * 2*32 = 14528; 2 blocks 32->32: 2 * 18560 = 37120.
        // stage 2: 32->64: 32*64*9 + 64*64*9 + 32*64 + 3 * 2*64 = 57728; 2 blocks 64->64: 2 * 73984 = 147968.
        // exits: (16 + 1) * 10 + (32 + 1) * 10 + (64 + 1) * 10 = 1150.
        // Total: 144 + 32 + 14016 + 14528 + 37120 + 57728 + 147968 + 1150 = 272,686 (~0.27 M).
        Assert.AreEqual(272_686L, net.Parameters().Sum(p => (long)p.Numel));
        Assert.AreEqual(3 + 9 * 6 + 2 * 3 + 6, net.Parameters().Count(), "parameter tensors");
        Assert.IsTrue(net.Parameters().All(p => p.RequiresGrad && p.IsLeaf));
        Assert.IsTrue(net.NamedBuffers().All(b => !b.Value.RequiresGrad));
        Assert.AreEqual(3 * (1 + 9 * 2 + 2), net.NamedBuffers().Count(), "running_mean, running_var, num_batches_tracked per batch norm");
    }

    [TestMethod]
    public void R20ForwardShapes()
    {
        using var scope = TensorScope.Begin();
        var net = R20(2);
        var logits = net.Forward(GradCheck.Randn(150, 2, 1, 12, 12));
        Assert.AreEqual(3, logits.Count);
        foreach (var l in logits)
        {
            GradCheck.AssertShape(l, 2, 10);
        }
    }

    [TestMethod]
    public void LoadStateDictRoundTripCopiesEverything()
    {
        var a = R20(1);
        var b = R20(2);
        var result = b.LoadStateDict(a.StateDict());
        Assert.AreEqual(0, result.MissingKeys.Count);
        Assert.AreEqual(0, result.UnexpectedKeys.Count);
        AssertSameValues(Snapshot(a), b);
        Assert.AreNotSame(a.StateDict()["stem.0.weight"], b.StateDict()["stem.0.weight"], "values are copied, not shared");
    }

    [TestMethod]
    public void StrictLoadWithMissingKeyThrowsAndLeavesModuleUntouched()
    {
        var target = R20(1);
        var before = Snapshot(target);
        var source = new Dictionary<string, Tensor>(R20(2).StateDict());
        source.Remove("stages.1.0.shortcut.0.weight");
        var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(source));
        AutogradTests.StringAssertContains(e.Message, "stages.1.0.shortcut.0.weight");
        AutogradTests.StringAssertContains(e.Message, "missing");
        AssertSameValues(before, target);
    }

    [TestMethod]
    public void StrictLoadWithUnexpectedKeyThrowsAndLeavesModuleUntouched()
    {
        var target = R20(1);
        var before = Snapshot(target);
        var source = new Dictionary<string, Tensor>(R20(2).StateDict()) { ["exits.3.fc.weight"] = Tensor.Zeros(10, 64) };
        var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(source));
        AutogradTests.StringAssertContains(e.Message, "exits.3.fc.weight");
        AutogradTests.StringAssertContains(e.Message, "unexpected");
        AssertSameValues(before, target);
    }

    [TestMethod]
    public void LoadWithShapeMismatchThrowsEvenWhenNotStrictAndLeavesModuleUntouched()
    {
        var target = R20(1);
        var before = Snapshot(target);
        var source = new Dictionary<string, Tensor>(R20(2).StateDict()) { ["exits.1.fc.weight"] = Tensor.Zeros(10, 31) };
        foreach (var strict in new[] { true, false })
        {
            var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(source, strict));
            AutogradTests.StringAssertContains(e.Message, "exits.1.fc.weight");
            AutogradTests.StringAssertContains(e.Message, "[10, 31]");
            AutogradTests.StringAssertContains(e.Message, "[10, 32]");
            AssertSameValues(before, target);
        }
    }

    [TestMethod]
    public void NonStrictLoadReportsMissingAndUnexpectedAndCopiesTheRest()
    {
        var target = R20(1);
        var sourceNet = R20(2);
        var source = new Dictionary<string, Tensor>(sourceNet.StateDict());
        source.Remove("exits.0.fc.bias");
        source.Remove("stem.1.running_var");
        source["extra.weight"] = Tensor.Zeros(3);
        var kept = target.StateDict()["exits.0.fc.bias"].ToArray();
        var result = target.LoadStateDict(source, strict: false);
        CollectionAssert.AreEquivalent(new[] { "exits.0.fc.bias", "stem.1.running_var" }, result.MissingKeys.ToList());
        CollectionAssert.AreEqual(new[] { "extra.weight" }, result.UnexpectedKeys.ToList());
        CollectionAssert.AreEqual(kept, target.StateDict()["exits.0.fc.bias"].ToArray(), "missing entries keep their values");
        CollectionAssert.AreEqual(sourceNet.StateDict()["exits.0.fc.weight"].ToArray(), target.StateDict()["exits.0.fc.weight"].ToArray());
        CollectionAssert.AreEqual(sourceNet.StateDict()["stages.2.1.conv1.weight"].ToArray(), target.StateDict()["stages.2.1.conv1.weight"].ToArray());
    }

    [TestMethod]
    public void TrainAndEvalPropagate()
    {
        var net = R20(1);
        Assert.IsTrue(net.NamedModules().All(m => m.Value.IsTraining));
        net.Eval();
        Assert.IsTrue(net.NamedModules().All(m => !m.Value.IsTraining), "Eval reaches every descendant");
        net.Train();
        Assert.IsTrue(net.NamedModules().All(m => m.Value.IsTraining));
        net.Exits[1].Eval();
        Assert.IsFalse(net.Exits[1].IsTraining);
        Assert.IsTrue(net.Exits[0].IsTraining);
        Assert.IsTrue(net.IsTraining);

        // A module added to a parent in eval mode takes the parent's mode.
        var seq = new Sequential();
        seq.Eval();
        var bn = new BatchNorm2d(2);
        seq.Append(bn);
        Assert.IsFalse(bn.IsTraining);
    }

    [TestMethod]
    public void EvalModeStopsBatchNormStatisticUpdates()
    {
        using var scope = TensorScope.Begin();
        var net = R20(3);
        var x = GradCheck.Randn(151, 2, 1, 8, 8);
        net.Eval();
        var before = Snapshot(net);
        net.Forward(x);
        AssertSameValues(before, net);
        net.Train();
        net.Forward(x);
        Assert.AreEqual(1f, net.StateDict()["stages.2.2.bn2.num_batches_tracked"].Item());
        CollectionAssert.AreNotEqual(before["stem.1.running_mean"], net.StateDict()["stem.1.running_mean"].ToArray());
    }

    [TestMethod]
    public void NamedModulesAndChildren()
    {
        var net = R20(1);
        CollectionAssert.AreEqual(new[] { "stem", "stages", "exits" }, net.NamedChildren().Select(c => c.Key).ToList());
        var names = net.NamedModules().Select(m => m.Key).ToList();
        Assert.AreEqual(string.Empty, names[0]);
        CollectionAssert.Contains(names, "stages.1.0.shortcut.1");
        CollectionAssert.Contains(names, "exits.2.fc");
        CollectionAssert.AreEqual(
            net.NamedParameters().Select(p => p.Key).ToList(),
            net.StateDict().Keys.Where(k => net.NamedParameters().Any(p => p.Key == k)).ToList(),
            "parameters appear in the state dict in the same order");
    }

    [TestMethod]
    public void DefaultInitRanges()
    {
        var gen = new Generator(7);
        foreach (var (module, weight, bias) in new (Module, Tensor, Tensor?)[]
        {
            Make(new Conv2d(16, 32, 3, generator: gen)),
            Make(new Conv2d(3, 64, 5, bias: false, generator: gen)),
            Make(new Conv2d(32, 64, 1, generator: gen)),
            Make(new Linear(64, 10, generator: gen)),
            Make(new Linear(300, 200, generator: gen)),
        })
        {
            int fanIn = weight.Numel / weight.Size(0);
            double bound = 1 / Math.Sqrt(fanIn);
            var w = weight.ToArray();
            Assert.IsTrue(w.All(v => Math.Abs(v) <= bound), $"{module.GetType().Name} weight outside +-1/sqrt({fanIn})");
            // U(-b, b): the extremes come close to the bound, the mean is near 0 and the variance near b^2 / 3.
            Assert.IsTrue(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound, $"{module.GetType().Name} weight does not fill the range");
            double mean = w.Average(v => (double)v);
            double variance = w.Average(v => (v - mean) * (v - mean));
            Assert.AreEqual(0, mean, 0.1 * bound);
            Assert.AreEqual(bound * bound / 3, variance, 0.2 * bound * bound / 3);
            if (bias is not null)
            {
                Assert.IsTrue(bias.ToArray().All(v => Math.Abs(v) <= bound), "bias outside +-1/sqrt(fan_in)");
                Assert.IsTrue(bias.ToArray().Distinct().Count() > bias.Numel / 2, "bias is random");
            }
        }

        static (Module, Tensor, Tensor?) Make(Module m) => m switch
        {
            Conv2d c => (c, c.Weight, c.Bias),
            Linear l => (l, l.Weight, l.Bias),
            _ => throw new InvalidOperationException(),
        };
    }

    [TestMethod]
    public void BatchNormDefaults()
    {
        var bn = new BatchNorm2d(4);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f, 1f }, bn.Weight!.ToArray());
        CollectionAssert.AreEqual(new float[4], bn.Bias!.ToArray());
        CollectionAssert.AreEqual(new float[4], bn.RunningMean.ToArray());
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f, 1f }, bn.RunningVar.ToArray());
        Assert.AreEqual(0, bn.NumBatchesTracked.Rank);
    }

    [TestMethod]
    public void SameSeedSameInitDifferentSeedDifferentInit()
    {
        var a = Snapshot(R20(11));
        var b = Snapshot(R20(11));
        var c = Snapshot(R20(12));
        foreach (var key in a.Keys)
        {
            CollectionAssert.AreEqual(a[key], b[key], key);
        }

        CollectionAssert.AreNotEqual(a["stages.0.0.conv1.weight"], c["stages.0.0.conv1.weight"]);
    }

    [TestMethod]
    public void ZeroGradClearsParameterGradients()
    {
        using var scope = TensorScope.Begin();
        var lin = new Linear(3, 2, generator: new Generator(1));
        F.Sum(lin.Forward(Tensor.Ones(4, 3))).Backward();
        Assert.IsTrue(lin.Weight.Grad!.ToArray().All(v => v == 4f));
        lin.ZeroGrad();
        Assert.IsTrue(lin.Parameters().All(p => p.Grad!.ToArray().All(v => v == 0f)));
    }
}
