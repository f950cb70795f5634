using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

[TestClass]
public sealed class PresetTests
{
    [TestMethod]
    public void EveryPresetBuildsAConsistentSpecForFashionMnist()
    {
        foreach (var preset in NamedPreset.All)
        {
            var groups = CliParsing.ExitClasses(preset.ExitClasses, 10);
            int exits = groups.Length + 1;
            Assert.AreEqual(exits, preset.Weights.Length, preset.Name);
            Assert.AreEqual(exits - 1, preset.Thresholds.Length, preset.Name);
            var spec = ArchitectureChoice.Spec(preset.Arch, exits, preset.Exits, null, [1, 28, 28], 10);
            Assert.AreEqual(exits, spec.ExitCount, preset.Name);
            Assert.IsFalse(string.IsNullOrWhiteSpace(preset.Description));
        }
    }

    [TestMethod]
    public void ThreeExitPresetsFollowThePaper()
    {
        // Section VI-A: three classes at each of the first two exits; AlexNet 3_Exit weights and thresholds are given,
        // ResNet-110 3_Exit ones are not, and the preset says so.
        var resnet = NamedPreset.Find("resnet110-3exit");
        CollectionAssert.AreEqual(new[] { 18, 72, 110 }, resnet.Exits);
        Assert.AreEqual("9,8,6;1,7,0", resnet.ExitClasses);
        StringAssert.Contains(resnet.Description, "the paper gives no 3_Exit weights");
        var alexnet = NamedPreset.Find("AlexNet-3Exit");
        CollectionAssert.AreEqual(PaperPresets.AlexNet3ExitWeights.ToArray(), alexnet.Weights);
        CollectionAssert.AreEqual(PaperPresets.AlexNet3ExitThresholds.ToArray(), alexnet.Thresholds);
        var seven = NamedPreset.Find("resnet110-7exit");
        CollectionAssert.AreEqual(PaperPresets.ResNet110SevenExitWeights.ToArray(), seven.Weights);
        Assert.AreEqual("9;8;6;1;7;0", seven.ExitClasses);
    }

    [TestMethod]
    public void MacsAreShownInAUnitThatFitsTheModel()
    {
        Assert.AreEqual("592", CliOutput.Macs(592));
        Assert.AreEqual("5.94 k", CliOutput.Macs(5940));
        Assert.AreEqual("31.21 M", CliOutput.Macs(31_210_000));
        Assert.AreEqual("9 Ankle boot", CliOutput.ClassLabel(9, ClassyNet.MLNet.Data.FashionMnist.ClassNames));
        Assert.AreEqual("3", CliOutput.ClassLabel(3, ["0", "1", "2", "3"]));
    }
}
