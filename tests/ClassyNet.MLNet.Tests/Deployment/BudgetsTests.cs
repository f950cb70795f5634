using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Deployment;

[TestClass]
public sealed class BudgetsTests
{
    private static readonly int[] PaperExits = [4, 18, 36, 54, 72, 90, 110];

    [TestMethod]
    public void PaperFormulaReproducesTheWorkedExample()
    {
        // Section VI-B: 37,728 parameters x 4 bytes = 150,912 bytes; x batch 16 = the "2.31 MB" budget.
        Assert.AreEqual(150_912L, PaperMemoryFormula.Bytes(PaperEdgeBudgets.ExampleParameters, batchSize: 1));
        Assert.AreEqual(2_414_592L, PaperMemoryFormula.Bytes(PaperEdgeBudgets.ExampleParameters));
        var budget = MemoryBudget.Parse("2.31MB");
        Assert.AreEqual(2_422_210L, budget.Bytes); // binary: 2.31 x 1024^2
        Assert.IsTrue(PaperMemoryFormula.Bytes(PaperEdgeBudgets.ExampleParameters) <= budget.Bytes);
        Assert.IsTrue(PaperMemoryFormula.Bytes(PaperEdgeBudgets.ExampleParameters) > 2_310_000L, "in decimal megabytes the example would not fit 2.31 MB");
        Assert.AreEqual("2.30 MB", MemoryBudget.Format(2_414_592L));
        Assert.AreEqual(37_847L, PaperMemoryFormula.MaxParameters(budget.Bytes));
    }

    [TestMethod]
    public void ResNet110SevenExitReproducesThePapersPartialNetworkAndBudgetMapping()
    {
        var net = Architectures.ResNet(110, PaperExits, inChannels: 3, classes: 10, generator: new Generator(1));
        var report = PartitionMemoryAnalyzer.Analyze(net, [3, 32, 32], new PartitionMemoryOptions { MeasureActivations = false, ExitLabels = PaperExits.Select(l => "#" + l).ToArray() });

        // E2 (layer #18): stem conv 432 + BN scale 16, 8 blocks x (2 x 2304 + 2 x 16), exit fc weight 16 x 10.
        Assert.AreEqual(432 + 16 + (8 * 4640) + 160, report.Partitions[1].PrefixWeightTensorParameters);
        Assert.AreEqual(PaperEdgeBudgets.ExampleParameters, report.Partitions[1].PrefixWeightTensorParameters);
        Assert.AreEqual(2_414_592L, report.Partitions[1].PaperFormulaBytes);
        Assert.AreEqual("E2 (#18)", report.Partitions[1].Label);

        // Counting biases and BN shifts as well (and the E1 head the edge part also holds) pushes E2 past 2.31 MB.
        Assert.AreEqual(38_010L, report.Partitions[1].PrefixParameters);
        Assert.AreEqual(38_010L + 170, report.Partitions[1].EdgeParameters);
        Assert.AreEqual(net.parameters().Sum(p => p.numel()), report.Partitions[^1].EdgeParameters);

        // Budgets 470 KB, 2.31 MB, 5.54 MB, 28.5 MB, 112 MB -> E1, E2, E3, E5, E7 under the paper's formula.
        CollectionAssert.AreEqual(PaperEdgeBudgets.Exits.Select(e => e - 1).ToArray(), report.Fits.Select(f => f.ByPaperFormula ?? -1).ToArray());
        Assert.AreEqual(0, report.Fits[1].ByEdgeFormula);
        Assert.IsNull(report.Fits[0].ByMeasured, "activations were not measured");
        StringAssert.Contains(report.ToMarkdown(), "| E2 (#18) | 38,010 | 37,728 | 2,414,592 (2.30 MB) |");
    }

    [TestMethod]
    public void ActivationPeakOfAnMlpIsTheLiveTensorsOfItsWidestLayer()
    {
        // Batch 16: input 16x8 floats (512 B); stage 0 Linear(8,16) then ReLU (1024 B each). When the ReLU has run, the
        // caller still holds the input and Sequential still holds the Linear output: 512 + 1024 + 1024.
        var net = Architectures.Mlp(8, [16, 4], classes: 3, generator: new Generator(2));
        var stage0 = ActivationPeakProbe.Measure(net, 0, [8], batchSize: 16);
        Assert.AreEqual(2560L, stage0.PeakBytes);
        Assert.AreEqual("after stages.0.1", stage0.PeakAt);
        var both = ActivationPeakProbe.Measure(net, 1, [8], batchSize: 16);
        Assert.AreEqual(2560L, both.PeakBytes, "stage 1 is narrower");
        Assert.IsTrue(both.Samples > stage0.Samples);
    }

    [TestMethod]
    public void MeasuredResNetPeakIsAboveTheShapeFloorScalesWithTheBatchAndLeavesNoTensor()
    {
        var net = Architectures.ResNet(8, [5, 8], inChannels: 1, classes: 4, generator: new Generator(3));
        long before = Tensor.TotalCount;
        var at8 = ActivationPeakProbe.Measure(net, 1, [1, 12, 12], batchSize: 8);
        var at16 = ActivationPeakProbe.Measure(net, 1, [1, 12, 12], batchSize: 16);
        var floor = NetworkAccounting.Measure(net, [1, 12, 12], batchSize: 16).Exits[1].PeakActivationBytes;
        Assert.AreEqual(2 * at8.PeakBytes, at16.PeakBytes);
        Assert.IsTrue(at16.PeakBytes >= floor, $"measured {at16.PeakBytes} < shape floor {floor}");
        // A block holds its input, conv1, bn1, relu, conv2 and bn2 outputs at once: 6 maps of 16 x 16 x 12 x 12 floats.
        Assert.IsTrue(at16.PeakBytes >= 6L * 16 * 16 * 144 * 4, $"measured {at16.PeakBytes} at {at16.PeakAt}");
        Assert.AreEqual(before, Tensor.TotalCount, "the probe must dispose every tensor it made");
        Assert.IsTrue(net.training, "the probe restores training mode");
    }

    [TestMethod]
    public void BudgetParsingIsBinaryAndRejectsNonsense()
    {
        Assert.AreEqual(470L * 1024, MemoryBudget.Parse("470KB").Bytes);
        Assert.AreEqual(470L * 1024, MemoryBudget.Parse(" 470 k ").Bytes);
        Assert.AreEqual(112L << 20, MemoryBudget.Parse("112MB").Bytes);
        Assert.AreEqual(2_422_210L, MemoryBudget.Parse("2.31MiB").Bytes);
        Assert.AreEqual(1000L, MemoryBudget.Parse("1000").Bytes);
        Assert.AreEqual("2.31 MB", MemoryBudget.Parse("2.31mb").Label);
        CollectionAssert.AreEqual(new[] { 481_280L, 2_422_210L }, MemoryBudget.ParseList("470KB, 2.31MB").Select(b => b.Bytes).ToArray());
        foreach (var bad in new[] { "", "MB", "-1MB", "2.31XB", "abc", "0", "NaNMB" })
        {
            var e = Assert.ThrowsExactly<FormatException>(() => MemoryBudget.Parse(bad));
            StringAssert.Contains(e.Message, $"'{bad}'");
        }
    }
}
