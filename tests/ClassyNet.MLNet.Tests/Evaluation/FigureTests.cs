using System.Buffers.Binary;
using System.Globalization;
using System.Xml.Linq;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using ScottPlot;
using SkiaSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Tests.Evaluation;

/// <summary>
/// The ScottPlot figures: real PNG and SVG files of the promised size, text (title, labels, legend) present as SVG text
/// in the sans family, and the data drawn equal to the data given (bars = counts, lines = series, regions = Algorithm 1).
/// </summary>
[TestClass]
public sealed class FigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [TestMethod]
    public void DecisionRegionsShowWhatAlgorithmOneDoesWithTheThresholdsInForce()
    {
        var sets = ExitClassSets.MutuallyExclusive([[0], [1]], 4);
        var net = TwoFeatureNetwork(sets);
        var row = new DecisionRegionRow("MC", net, sets, [0.3f, 0.3f]);
        const int resolution = 12;
        var grid = DecisionRegionFigure.Grid(1f, resolution);
        var simulation = DecisionRegionFigure.Simulate(row, 1f, resolution);

        // Algorithm 1 as the deployed predictor runs it, point by point.
        var predicted = new EarlyExitPredictor(net, sets, [0.3f, 0.3f], [2]).PredictBatch(grid.Features, grid.Count);
        CollectionAssert.AreEqual(predicted.ExitIndices(), simulation.Exits.ToArray());
        CollectionAssert.AreEqual(predicted.PredictedClasses(), simulation.PredictedClasses.ToArray());

        // And by hand: exit 1 answers class 0 (logit 20 relu(x)) against the bag (20 relu(y)); it leaves when the entropy is below 0.3.
        var exit1 = DecisionRegionFigure.PanelCodes(simulation, 0, 4, resolution);
        var exit2 = DecisionRegionFigure.PanelCodes(simulation, 1, 4, resolution);
        int leaves = 0, bag = 0, uncertain = 0;
        for (int i = 0; i < grid.Count; i++)
        {
            float x = grid.Features[2 * i], y = grid.Features[(2 * i) + 1];
            float a = 20 * MathF.Max(x, 0), b = 20 * MathF.Max(y, 0);
            int expected = b > a ? 4 : Entropy(a, b) < 0.3f ? 0 : 5;
            Assert.AreEqual(expected, exit1[i / resolution, i % resolution], $"exit 1 at ({x}, {y})");

            // Exit 2 sees what exit 1 passed on: [class 1, bag] = 20 (relu(y), relu(x)).
            int expected2 = expected == 0 ? 6 : a > b ? 4 : Entropy(b, a) < 0.3f ? 1 : 5;
            Assert.AreEqual(expected2, exit2[i / resolution, i % resolution], $"exit 2 at ({x}, {y})");
            leaves += expected == 0 ? 1 : 0;
            bag += expected == 4 ? 1 : 0;
            uncertain += expected == 5 ? 1 : 0;
        }

        Assert.IsTrue(leaves > 0 && bag > 0 && uncertain > 0, $"the example has all three verdicts at exit 1 ({leaves}, {bag}, {uncertain})");

        using var figure = DecisionRegionFigure.Render([row], ["blue", "green", "orange", "yellow"], resolution: resolution, title: "regions");
        Assert.AreEqual(3 * DecisionRegionFigure.PanelSize, figure.Width);
        Assert.AreEqual(DecisionRegionFigure.HeaderHeight + DecisionRegionFigure.PanelSize, figure.Height);
        var png = figure.ToPng();
        AssertPng(png, figure.Width, figure.Height);

        // The picture: the pixel at every cell centre of the exit-1 and exit-2 panels has the verdict's colour.
        using var bitmap = SKBitmap.Decode(png);
        var colormap = new DecisionRegionFigure.CategoryColormap(4);
        foreach (var (panel, codes) in new[] { (figure.Plots[1], exit1), (figure.Plots[2], exit2) })
        {
            for (int i = 0; i < grid.Count; i++)
            {
                var pixel = panel.GetPixel(new Coordinates(grid.Features[2 * i], grid.Features[(2 * i) + 1]));
                var drawn = bitmap.GetPixel((int)pixel.X, (int)pixel.Y);
                var expected = colormap.GetColor((codes[i / resolution, i % resolution] + 0.5) / 7);
                Assert.AreEqual(expected.ARGB, (uint)drawn, $"pixel {pixel} cell {i} ({grid.Features[2 * i]}, {grid.Features[(2 * i) + 1]})");
            }
        }

        var texts = SvgTexts(figure.ToSvg());
        CollectionAssert.IsSubsetOf(new[] { "regions", "MC: exit 1 (T = 0.3)", "MC: exit 3 (final, answers all)", "leaves: blue", "passes on: bag", "passes on: not confident", "left earlier" }, texts.ToList());
    }

    [TestMethod]
    public void ExitDistributionDrawsTheCountsItIsGiven()
    {
        var counts = new int[3, 2];
        counts[0, 0] = 5;
        counts[1, 1] = 7;
        counts[2, 1] = 1;
        var other = new int[3, 2];
        other[2, 0] = 4;
        using var figure = ExitDistributionFigure.Render([("A", counts), ("B", other)], ["x", "y", "z"], "exits by class");
        AssertPng(figure.ToPng(), ExitDistributionFigure.Width, ExitDistributionFigure.Height);
        var bars = figure.Plots[0].GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars;
        foreach (var (counts_, model) in new[] { (counts, 0), (other, 1) })
        {
            for (int e = 0; e < 2; e++)
            {
                double x = ExitDistributionFigure.BarPosition(e, model, 2);
                var stack = bars.Where(b => b.Position == x).OrderBy(b => b.ValueBase).ToList();
                var expected = Enumerable.Range(0, 3).Where(k => counts_[k, e] > 0).ToList();
                Assert.AreEqual(expected.Count, stack.Count, $"model {model}, exit {e}");
                for (int s = 0; s < stack.Count; s++)
                {
                    Assert.AreEqual(counts_[expected[s], e], stack[s].Value - stack[s].ValueBase);
                    Assert.AreEqual(FigureStyle.ClassColor(expected[s]), stack[s].FillColor);
                }
            }
        }

        var texts = SvgTexts(figure.ToSvg());
        CollectionAssert.IsSubsetOf(new[] { "exits by class", "exit 1", "exit 2", "A", "B", "x", "y", "z", "samples leaving at the exit" }, texts.ToList());
        Assert.ThrowsExactly<ArgumentException>(() => ExitDistributionFigure.Render([("A", counts), ("B", new int[2, 2])], ["x", "y", "z"], "t"));
    }

    [TestMethod]
    public void LineChartDrawsTheSeriesWithRangesAndLabels()
    {
        double[] x = [10, 20, 30];
        var a = new LineSeries("Baseline", x, [2.0, 2.1, 1.9], [1.8, 2.0, 1.7], [2.5, 2.2, 2.0]);
        var b = new LineSeries("CN", x, [1.5, double.NaN, 1.0]);
        using var figure = LineChartFigure.Render([a, b], "Latency vs share", "share of class 9", "ms per sample", xTickSuffix: "%");
        AssertPng(figure.ToPng(), LineChartFigure.Width, LineChartFigure.Height);
        var scatters = figure.Plots[0].GetPlottables<ScottPlot.Plottables.Scatter>().ToList();
        Assert.AreEqual(2, scatters.Count);
        CollectionAssert.AreEqual(new[] { 2.0, 2.1, 1.9 }, scatters[0].Data.GetScatterPoints().Select(p => p.Y).ToArray());
        CollectionAssert.AreEqual(new[] { 10.0, 30.0 }, scatters[1].Data.GetScatterPoints().Select(p => p.X).ToArray(), "the NaN point is skipped");
        var errors = figure.Plots[0].GetPlottables<ScottPlot.Plottables.ErrorBar>().Single();
        CollectionAssert.AreEqual(new[] { 0.2, 0.1, 0.2 }, errors.YErrorNegative!.Select(v => Math.Round(v, 9)).ToArray());
        CollectionAssert.AreEqual(new[] { 0.5, 0.1, 0.1 }, errors.YErrorPositive!.Select(v => Math.Round(v, 9)).ToArray());
        var texts = SvgTexts(figure.ToSvg());
        CollectionAssert.IsSubsetOf(new[] { "Latency vs share", "share of class 9", "ms per sample", "Baseline", "CN", "20%" }, texts.ToList());
        Assert.ThrowsExactly<ArgumentException>(() => LineChartFigure.Render([new LineSeries("x", [1], [double.NaN])], "t", "x", "y"));
    }

    [TestMethod]
    public void LineChartNamesItsTicksAndKeepsEveryTickInView()
    {
        double[] x = [0, 1, 2];
        using var figure = LineChartFigure.Render([new LineSeries("CN", x, [double.NaN, 3.0, 1.0])], "Time per memory", "device memory", "s", xTicks: x, xTickLabels: ["470 KB", "2.31 MB", "112 MB"]);
        AssertPng(figure.ToPng(), LineChartFigure.Width, LineChartFigure.Height);
        CollectionAssert.IsSubsetOf(new[] { "470 KB", "2.31 MB", "112 MB" }, SvgTexts(figure.ToSvg()).ToList());
        var limits = figure.Plots[0].Axes.GetLimits();
        Assert.IsTrue(limits.Left < 0 && limits.Right > 2, $"the tick at 0 has no point but stays in view: x from {limits.Left} to {limits.Right}");
        var e = Assert.ThrowsExactly<ArgumentException>(() => LineChartFigure.Render([new LineSeries("CN", x, [1.0, 2, 3])], "t", "x", "y", xTicks: x, xTickLabels: ["a"]));
        StringAssert.Contains(e.Message, "xTickLabels (1 labels)");
    }

    [TestMethod]
    public void SaveWritesPngOrSvgByExtensionAtomically()
    {
        using var dir = new TempDirectory();
        using var figure = LineChartFigure.Render([new LineSeries("a < b & c", [1, 2], [1, 2])], "t", "x", "y");
        string png = Path.Combine(dir.Path, "sub", "figure.png");
        string svg = Path.Combine(dir.Path, "sub", "figure.svg");
        figure.Save(png);
        figure.Save(svg);
        AssertPng(File.ReadAllBytes(png), LineChartFigure.Width, LineChartFigure.Height);
        var doc = XDocument.Parse(File.ReadAllText(svg));
        Assert.AreEqual(LineChartFigure.Width.ToString(CultureInfo.InvariantCulture), (string?)doc.Root!.Attribute("width"));
        CollectionAssert.Contains(SvgTexts(File.ReadAllText(svg)).ToList(), "a < b & c");
        Assert.AreEqual(2, Directory.GetFiles(Path.GetDirectoryName(png)!).Length, "no temporary file is left");
        Assert.ThrowsExactly<ArgumentException>(() => figure.Save(Path.Combine(dir.Path, "figure.pdf")));
    }

    [TestMethod]
    public void AMissingFontIsAnErrorThatSaysHowToInstallOne()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => FigureStyle.ResolveFamily(["No Such Font Family 1", "No Such Font Family 2"]));
        StringAssert.Contains(e.Message, "No Such Font Family 1");
        StringAssert.Contains(e.Message, "fonts-dejavu-core");
        Assert.AreEqual("DejaVu Sans", FigureStyle.SansFamily, "this machine has DejaVu Sans (fonts-dejavu-core)");
    }

    /// <summary>The text of every SVG text element, after checking each is set in the figures' sans family.</summary>
    internal static IEnumerable<string> SvgTexts(string svg)
    {
        var texts = XDocument.Parse(svg).Descendants(Svg + "text").ToList();
        Assert.IsTrue(texts.Count > 0, "the SVG has text elements");
        foreach (var text in texts)
        {
            Assert.AreEqual(FigureStyle.SansFamily, (string?)text.Attribute("font-family"), text.ToString());
        }

        return texts.Select(t => t.Value.Trim());
    }

    /// <summary>Checks the PNG signature and the IHDR width and height.</summary>
    internal static void AssertPng(byte[] png, int width, int height)
    {
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray(), "PNG signature");
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.AreEqual(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.AreEqual(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static float Entropy(float a, float b)
    {
        double m = Math.Max(a, b), ea = Math.Exp(a - m), eb = Math.Exp(b - m), s = ea + eb;
        double pa = ea / s, pb = eb / s;
        return (float)-((pa > 0 ? pa * Math.Log(pa) : 0) + (pb > 0 ? pb * Math.Log(pb) : 0));
    }

    /// <summary>
    /// A 2-feature MLP whose hidden layers pass (relu(x), relu(y)) through and whose heads are: exit 1 [class 0, bag] =
    /// 20 (relu(x), relu(y)); exit 2 [class 1, bag] = 20 (relu(y), relu(x)); final exit [0, 0, relu(x), relu(y)].
    /// </summary>
    private static MultiExitNetwork TwoFeatureNetwork(ExitClassSets sets)
    {
        using var generator = new Generator(1);
        var net = Architectures.Mlp(2, [2, 2, 2], 4, sets.OutputCounts(), generator: generator);
        var state = net.state_dict();
        using var noGrad = no_grad();
        for (int m = 0; m < 3; m++)
        {
            state[$"stages.{m}.0.weight"].copy_(eye(2));
            state[$"stages.{m}.0.bias"].zero_();
            state[$"exits.{m}.fc.bias"].zero_();
        }

        state["exits.0.fc.weight"].copy_(tensor(new float[] { 20, 0, 0, 20 }, [2, 2]));
        state["exits.1.fc.weight"].copy_(tensor(new float[] { 0, 20, 20, 0 }, [2, 2]));
        state["exits.2.fc.weight"].copy_(tensor(new float[] { 0, 0, 0, 0, 1, 0, 0, 1 }, [4, 2]));
        return net;
    }
}
