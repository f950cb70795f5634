using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Networks;

/// <summary>Specs without input size and class count: what they check alone, how they are sized, and that they refuse to be built first.</summary>
[TestClass]
public sealed class UnsizedNetworkSpecTests
{
    [TestMethod]
    public void SizingGivesTheSameSpecAsTheSizedFactories()
    {
        Assert.AreEqual(NetworkSpec.ResNet(8, [3, 5, 8], inChannels: 1, imageSize: 28, classes: 10).ToJson(), NetworkSpec.ResNet(8, [3, 5, 8]).SizedFor([1, 28, 28], 10).ToJson());
        Assert.AreEqual(NetworkSpec.Mlp(48, [16, 8], 5, layersPerStage: 2).ToJson(), NetworkSpec.Mlp([16, 8], layersPerStage: 2).SizedFor([3, 4, 4], 5).ToJson());
        Assert.AreEqual(NetworkSpec.AlexNet(3, 32, 10).ToJson(), NetworkSpec.AlexNet().SizedFor([3, 32, 32], 10).ToJson());
        Assert.IsTrue(NetworkSpec.ResNet(8, [3, 5, 8]).SizedFor([1, 28, 28], 10).IsSized);
    }

    [TestMethod]
    public void AnUnsizedSpecSaysSoAndCannotBeBuilt()
    {
        var spec = NetworkSpec.ResNet(20, [7, 13, 20]);
        Assert.IsFalse(spec.IsSized);
        Assert.AreEqual(3, spec.ExitCount);
        Assert.AreEqual("resnet-20 exits after layers [7, 13, 20], sized from the data", spec.ToString());
        Assert.AreEqual("mlp widths [4, 4], sized from the data", NetworkSpec.Mlp(widths: [4, 4]).ToString());
        Assert.AreEqual(2, NetworkSpec.Mlp(widths: [4, 4]).ExitCount);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => spec.Build()).Message, "Build needs a sized spec, but resnet-20 exits after layers [7, 13, 20], sized from the data has no input size or class count yet; size it with SizedFor");
        Assert.ThrowsExactly<InvalidOperationException>(() => spec.WithExitOutputs([2, 2, 10]));
    }

    [TestMethod]
    public void WhatDoesNotDependOnTheDataIsCheckedAtOnce()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NetworkSpec.ResNet(9, [9])).Message, "ResNet depth must be 6n + 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => NetworkSpec.ResNet(8, [3, 5])).Message, "exitsAfterLayer [3, 5] must list each exit's layer, ending with the final layer 8");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => NetworkSpec.Mlp(widths: [4, 0])).Message, "widths [4, 0] must give one width >= 1 per exit");
        var resnet = NetworkSpec.ResNet(8, [3, 5, 8]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => resnet.SizedFor([3, 16, 24], 4)).Message, "resnet needs square images [C, H, W] with H = W; got [3, 16, 24]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => resnet.SizedFor([48], 4)).Message, "got [48]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => resnet.SizedFor([3, 0, 0], 4)).Message, "must list positive dimensions");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => resnet.SizedFor([3, 8, 8], 1));
    }
}
