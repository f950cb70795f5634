using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Inference;

[TestClass]
public sealed class NetworkAccountingTests
{
    // R20-3E on 1x28x28, 10 classes: stem + blocks 0-2 (16 ch, 28x28) | blocks 3-5 (32 ch, 14x14) | blocks 6-8 (64 ch, 7x7).
    private static long Conv(int oc, int c, int k, int outSide) => (long)oc * c * k * k * outSide * outSide;

    private static long Block(int c, int oc, int outSide) =>
        Conv(oc, c, 3, outSide) + Conv(oc, oc, 3, outSide) + (c != oc ? Conv(oc, c, 1, outSide) : 0);

    private static long BlockParameters(int c, int oc) =>
        oc * c * 9 + 2 * oc + oc * oc * 9 + 2 * oc + (c != oc ? oc * c + 2 * oc : 0);

    [TestMethod]
    public void ResNet20ThreeExitsMacsAndParametersMatchHandCount()
    {
        var net = Architectures.ResNet(20, [7, 13, 20], inChannels: 1, classes: 10, generator: new Generator(3));
        var report = NetworkAccounting.Measure(net, [1, 28, 28], batchSize: 8);

        long stage0 = Conv(16, 1, 3, 28) + 3 * Block(16, 16, 28);
        long stage1 = Block(16, 32, 14) + 2 * Block(32, 32, 14);
        long stage2 = Block(32, 64, 7) + 2 * Block(64, 64, 7);
        long[] heads = [16 * 10, 32 * 10, 64 * 10];
        Assert.AreEqual(10_950_912L, stage0);
        Assert.AreEqual(10_035_200L, stage1);
        Assert.AreEqual(10_035_200L, stage2);
        CollectionAssert.AreEqual(new[] { stage0, stage1, stage2 }, report.Exits.Select(e => e.StageMacs).ToArray());
        CollectionAssert.AreEqual(heads, report.Exits.Select(e => e.HeadMacs).ToArray());
        CollectionAssert.AreEqual(
            new[] { stage0 + heads[0], stage0 + stage1 + heads[1], stage0 + stage1 + stage2 + heads[2] },
            report.PrefixMacs());
        Assert.AreEqual(31_021_952L, report.Exits[2].PrefixMacs); // about 31 M for the full network
        CollectionAssert.AreEqual(
            new[] { stage0 + heads[0], stage0 + stage1 + heads[0] + heads[1], stage0 + stage1 + stage2 + heads.Sum() },
            report.EarlyExitMacs());
        Assert.AreEqual(stage0 + stage1 + stage2 + heads.Sum(), report.TotalMacs);

        long stem = 16 * 9 + 2 * 16;
        long p0 = stem + 3 * BlockParameters(16, 16);
        long p1 = BlockParameters(16, 32) + 2 * BlockParameters(32, 32);
        long p2 = BlockParameters(32, 64) + 2 * BlockParameters(64, 64);
        long[] headParameters = [16 * 10 + 10, 32 * 10 + 10, 64 * 10 + 10];
        Assert.AreEqual(stem, report.StemParameters);
        CollectionAssert.AreEqual(new[] { p0, p1, p2 }, report.Exits.Select(e => e.StageParameters).ToArray());
        CollectionAssert.AreEqual(headParameters, report.Exits.Select(e => e.HeadParameters).ToArray());
        CollectionAssert.AreEqual(
            new[] { p0 + headParameters[0], p0 + p1 + headParameters[1], p0 + p1 + p2 + headParameters[2] },
            report.Exits.Select(e => e.PrefixParameters).ToArray());
        Assert.AreEqual(272_686L, report.TotalParameters); // about 0.27 M
        Assert.AreEqual(net.parameters().Sum(p => p.numel()), report.TotalParameters);
        Assert.AreEqual(4 * report.Exits[2].PrefixParameters, report.Exits[2].PrefixParameterBytes);

        // State: parameters plus BN running mean/var (2 per channel) and num_batches_tracked (1 per BN).
        long finalState = net.state_dict().Where(kv => !kv.Key.StartsWith("exits.0.", StringComparison.Ordinal) && !kv.Key.StartsWith("exits.1.", StringComparison.Ordinal)).Sum(kv => kv.Value.numel());
        Assert.AreEqual(4 * finalState, report.Exits[2].PrefixStateBytes);

        CollectionAssert.AreEqual(new[] { 16, 28, 28 }, report.Exits[0].ActivationShape.ToArray());
        CollectionAssert.AreEqual(new[] { 64, 7, 7 }, report.Exits[2].ActivationShape.ToArray());

        // Largest tensor: a 16x28x28 block output; peak: a 16x28x28 block's input plus output, at batch 8.
        Assert.AreEqual(4L * 8 * 16 * 28 * 28, report.Exits[0].LargestActivationBytes);
        Assert.AreEqual(4L * 8 * 2 * 16 * 28 * 28, report.Exits[0].PeakActivationBytes);
        Assert.AreEqual(report.Exits[0].PeakActivationBytes, report.Exits[2].PeakActivationBytes);
    }

    [TestMethod]
    public void MlpAccountingCountsLinearLayersAndKeepsTrainingMode()
    {
        var net = Architectures.Mlp(2, [8, 4], classes: 3, layersPerStage: 2, generator: new Generator(2));
        Assert.IsTrue(net.training);
        var report = NetworkAccounting.Measure(net, [2]);
        Assert.IsTrue(net.training);
        CollectionAssert.AreEqual(new long[] { 2 * 8 + 8 * 8, 8 * 4 + 4 * 4 }, report.Exits.Select(e => e.StageMacs).ToArray());
        CollectionAssert.AreEqual(new long[] { 8 * 3, 4 * 3 }, report.Exits.Select(e => e.HeadMacs).ToArray());
        Assert.AreEqual(0, report.StemParameters);
        CollectionAssert.AreEqual(new long[] { (2 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3), (2 * 8 + 8) + (8 * 8 + 8) + (8 * 4 + 4) + (4 * 4 + 4) + (4 * 3 + 3) }, report.Exits.Select(e => e.PrefixParameters).ToArray());
        // Peak for exit 0 at batch 1: the 8->8 layer's input plus output.
        Assert.AreEqual(4L * (8 + 8), report.Exits[0].PeakActivationBytes);
    }

    [TestMethod]
    public void BadArgumentsAreNamed()
    {
        var net = Architectures.Mlp(2, [4], classes: 3, generator: new Generator(2));
        Assert.AreEqual("inputShape", Assert.ThrowsExactly<ArgumentException>(() => NetworkAccounting.Measure(net, [3])).ParamName);
        Assert.AreEqual("inputShape", Assert.ThrowsExactly<ArgumentException>(() => NetworkAccounting.Measure(net, [0])).ParamName);
        Assert.AreEqual("batchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NetworkAccounting.Measure(net, [2], 0)).ParamName);
    }
}
