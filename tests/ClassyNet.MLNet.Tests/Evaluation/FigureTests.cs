using System.Xml.Linq;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using static TorchSharp.torch;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Evaluation;

[TestClass]
public sealed class FigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [TestMethod]
    public void DecisionRegionsPaintTheBagGreyOnlyWhereTheExitPredictsIt()
    {
        var sets = ExitClassSets.MutuallyExclusive([[0], [1]], 4);
        var net = Architectures.Mlp(2, [8, 8, 8], 4, sets.OutputCounts(), generator: new Generator(1));

        // Make exit 1 predict the bag everywhere: a huge bias on its last output.
        using (no_grad())
        {
            net.state_dict()["exits.0.fc.bias"][1] = 1000f;
        }
        var doc = XDocument.Parse(DecisionRegionFigure.Render([("MC", net, sets)], SyntheticData.FourClassNames, resolution: 20).ToString());
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        CollectionAssert.IsSubsetOf(new[] { "Exit 1", "Exit 2", "Exit 3", "MC", "bag of classes", "0: blue" }, texts);
        var panel1 = doc.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("fill") == DecisionRegionFigure.BagColor && (string?)r.Attribute("stroke") is null).ToList();
        double firstPanelX = panel1.Min(r => double.Parse((string)r.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture));
        var firstPanel = panel1.Where(r => double.Parse((string)r.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture) == firstPanelX).ToList();
        Assert.AreEqual(20, firstPanel.Count, "exit 1 is one grey run per grid row");
        Assert.IsTrue(firstPanel.All(r => double.Parse((string)r.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture) > 200), "each run spans the whole panel");
    }

    [TestMethod]
    public void ExitDistributionStacksOneBarPerModelAndExit()
    {
        var counts = new int[3, 2];
        counts[0, 0] = 5;
        counts[1, 1] = 7;
        counts[2, 1] = 1;
        var svg = ExitDistributionFigure.Render([("A", counts), ("B", counts)], ["x", "y", "z"], "title").ToString();
        var doc = XDocument.Parse(svg);
        int bars = doc.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("stroke") == "white");
        Assert.AreEqual(2 * 3, bars, "non-empty segments: (class 0, exit 1), (class 1, exit 2), (class 2, exit 2) for two models");
        Assert.ThrowsExactly<ArgumentException>(() => ExitDistributionFigure.Render([("A", counts), ("B", new int[2, 2])], ["x", "y", "z"], "t"));
    }

    [TestMethod]
    public void SaveIsAtomicAndCreatesTheFolder()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "sub", "figure.svg");
        new SvgWriter(10, 10).Text(1, 1, "a < b & c").Save(path);
        StringAssert.Contains(File.ReadAllText(path), "a &lt; b &amp; c");
        Assert.AreEqual(0, Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp").Length);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SvgWriter(0, 10));
    }
}
