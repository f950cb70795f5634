using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Networks;

[TestClass]
public sealed class ArchitecturesTests
{
    [TestMethod]
    public void ResNetPlacesExitsByConvLayerIndex()
    {
        var r20 = Architectures.ResNet(20, [7, 13, 20]);
        Assert.AreEqual(3, r20.ExitCount);
        var keys = r20.state_dict().Keys.ToList();
        Assert.IsTrue(keys.Contains("stages.0.2.conv2.weight") && !keys.Contains("stages.0.3.conv1.weight"), "exit 1 after block 3 (layer 7)");
        Assert.IsTrue(keys.Contains("stages.1.0.shortcut.0.weight"));

        // ResNet-110 7_Exit (layers 4, 18, 36, 54, 72, 90, 110): exits after 1, 8, 17, 26, 35, 44 and 54 blocks.
        var r110 = Architectures.ResNet(110, [4, 18, 36, 54, 72, 90, 110], inChannels: 3);
        int[] blocksPerStage = Enumerable.Range(0, 7).Select(s => r110.state_dict().Keys.Where(k => k.StartsWith($"stages.{s}.", StringComparison.Ordinal) && k.EndsWith(".conv1.weight", StringComparison.Ordinal)).Count()).ToArray();
        CollectionAssert.AreEqual(new[] { 1, 7, 9, 9, 9, 9, 10 }, blocksPerStage);
        Assert.AreEqual(54, blocksPerStage.Sum());
    }

    [TestMethod]
    public void StagedForwardEqualsFullForward()
    {
        var net = Architectures.ResNet(8, [3, 5, 8], generator: new Generator(4));
        net.eval();
        using var scope = NewDisposeScope();
        var x = randn([2, 1, 28, 28], generator: new Generator(5));
        var all = net.forward(x);
        var a = x;
        for (int m = 0; m < 3; m++)
        {
            a = net.ForwardStage(m, a);
            Assert.IsTrue(TensorAssert.Same(all[m], net.ForwardExit(m, a)), $"exit {m}: staged forward differs from the full forward");
        }
    }

    [TestMethod]
    public void AlexNetRunsOnFashionMnistAndCifarSizes()
    {
        foreach (var (channels, size) in new[] { (1, 28), (3, 32) })
        {
            var net = Architectures.AlexNet(channels, size, classes: 10, exitOutputs: [3, 4, 10], generator: new Generator(1));
            using var scope = NewDisposeScope();
            var logits = net.forward(randn([2, channels, size, size], generator: new Generator(2)));
            CollectionAssert.AreEqual(new long[] { 3, 4, 10 }, logits.Select(l => l.shape[1]).ToArray());
        }

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Architectures.AlexNet(imageSize: 8));
    }

    [TestMethod]
    public void ExitBranchOptionsShapeTheHead()
    {
        var head = new ExitBranch(16, 5, new ExitBranchOptions { ConvChannels = 8, HiddenFeatures = [12] });
        var names = head.state_dict().Keys.ToList();
        CollectionAssert.IsSubsetOf(new[] { "conv.0.weight", "conv.1.running_mean", "hidden.0.weight", "fc.weight" }, names);
        using var scope = NewDisposeScope();
        CollectionAssert.AreEqual(new long[] { 3, 5 }, head.forward(randn(3, 16, 4, 4)).shape);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ExitBranch(16, 5).forward(zeros(2, 7)));
        StringAssert.Contains(e.Message, "16 features");
    }

    [TestMethod]
    public void BadArchitecturesAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Architectures.ResNet(21, [7, 21]));
        Assert.ThrowsExactly<ArgumentException>(() => Architectures.ResNet(20, [7, 13]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Architectures.ResNet(20, [13, 7, 20]));
        Assert.ThrowsExactly<ArgumentException>(() => Architectures.ResNet(20, [7, 8, 20]));
        Assert.ThrowsExactly<ArgumentException>(() => Architectures.ResNet(20, [7, 13, 20], exitOutputs: [2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => Architectures.Mlp(2, [], 4));
        Assert.ThrowsExactly<ArgumentException>(() => new MultiExitNetwork(nn.Sequential(), [nn.Sequential()], []));
    }

    [TestMethod]
    public void SameGeneratorSeedGivesTheSameWeightsRegardlessOfGlobalState()
    {
        var a = Architectures.ResNet(8, [3, 5, 8], generator: new Generator(11));
        manual_seed(12345); // libtorch's global generator must not matter
        var b = Architectures.ResNet(8, [3, 5, 8], generator: new Generator(11));
        var c = Architectures.ResNet(8, [3, 5, 8], generator: new Generator(12));
        var sb = b.state_dict();
        var sc = c.state_dict();
        foreach (var (key, value) in a.state_dict())
        {
            Assert.IsTrue(TensorAssert.Same(value, sb[key]), key);
        }

        Assert.IsFalse(TensorAssert.Same(a.state_dict()["stages.0.0.conv1.weight"], sc["stages.0.0.conv1.weight"]), "another seed gives other weights");
        // PyTorch's default bound: U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the stem conv has fan_in 9.
        double max = a.state_dict()["stem.0.weight"].abs().max().item<float>();
        Assert.IsTrue(max <= 1 / 3.0 && max > 0.25, $"stem weights max |w| = {max}");
    }
}
