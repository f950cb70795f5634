using System.Globalization;
using System.Text.RegularExpressions;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests.Evaluation;
using ClassyNet.QuickStart;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.MLNet.Tests.Samples;

/// <summary>
/// The QuickStart (README command 1) on a smaller run: its table, its closing sentences and its figure say the same
/// thing, and that thing is what the early-exit predictor does with the calibrated thresholds.
/// </summary>
[TestClass]
public sealed class QuickStartTests
{
    private static QuickStartResult? _result;

    private static QuickStartResult Result => _result ??= QuickStartDemo.Run(new QuickStartSettings { TrainCount = 1200, ValidationCount = 500, TestCount = 600, Epochs = 12 });

    [TestMethod]
    public void TheTableIsWhatThePredictorDoesWithTheCalibratedThresholds()
    {
        var result = Result;
        string table = QuickStartDemo.Table(result);
        foreach (var model in result.Models)
        {
            // The numbers are Algorithm 1 as deployed: EarlyExitPredictor over the test points with the model's thresholds.
            var run = new EarlyExitPredictor(model.Network, model.Sets, model.Thresholds, [2]).PredictBatch(result.Test.Features, result.Test.Count);
            CollectionAssert.AreEqual(run.ExitIndices(), model.Simulation.Exits.ToArray(), model.Label);
            CollectionAssert.AreEqual(run.PredictedClasses(), model.Simulation.PredictedClasses.ToArray(), model.Label);

            // The printed row holds the thresholds and every per-class share.
            string row = table.Split('\n').Single(l => l.StartsWith(model.Label + " ", StringComparison.Ordinal));
            StringAssert.Contains(row, QuickStartDemo.FormatThresholds(model.Thresholds));
            for (int k = 0; k < result.ClassNames.Count; k++)
            {
                var exits = run.ExitIndices().Where((_, i) => result.Test.Labels[i] == k).ToArray();
                string shares = string.Join("/", Enumerable.Range(0, 3).Select(m => QuickStartDemo.Percent(exits.Count(e => e == m) / (double)exits.Length)));
                StringAssert.Contains(row, $"{result.ClassNames[k]} {shares}", $"{model.Label}, class {k}");
            }
        }

        // The point of the demo: under BoC-MC the first exit lets blue out, and only blue is answered there.
        var mc = result.Models.Single(m => m.Label == "BoC-MC");
        Assert.IsTrue(mc.Simulation.ClassExitRates[0][0] > 0.5, $"MC lets {mc.Simulation.ClassExitRates[0][0]:P0} of blue out at exit 1");
        Assert.IsTrue(Enumerable.Range(0, mc.Simulation.Exits.Count).Where(i => mc.Simulation.Exits[i] == 0).All(i => mc.Simulation.PredictedClasses[i] == 0), "exit 1 of MC answers only blue");
    }

    [TestMethod]
    public void TheClosingSentencesAreTheTablesNumbers()
    {
        var result = Result;
        var lines = QuickStartDemo.Summary(result);
        Assert.AreEqual(result.Models.Count, lines.Count);
        for (int r = 0; r < lines.Count; r++)
        {
            var sim = result.Models[r].Simulation;
            StringAssert.StartsWith(lines[r], result.Models[r].Label + ": ");
            for (int m = 0; m < 2; m++)
            {
                var clause = Regex.Match(lines[r], $@"(nothing leaves at exit {m + 1}|exit {m + 1} lets out ([^;]*))");
                Assert.IsTrue(clause.Success, lines[r]);
                if (clause.Value.StartsWith("nothing", StringComparison.Ordinal))
                {
                    Assert.AreEqual(0, sim.ExitRates[m], lines[r]);
                    continue;
                }

                var claims = Regex.Matches(clause.Groups[2].Value, @"(<?\d+ %) of (\w+)").ToDictionary(c => c.Groups[2].Value, c => c.Groups[1].Value);
                for (int k = 0; k < result.ClassNames.Count; k++)
                {
                    double rate = sim.ClassExitRates[k][m];
                    if (rate > 0)
                    {
                        Assert.AreEqual(QuickStartDemo.Percent(rate), claims[result.ClassNames[k]], $"{lines[r]}: {result.ClassNames[k]} at exit {m + 1}");
                    }
                    else
                    {
                        Assert.IsFalse(claims.ContainsKey(result.ClassNames[k]), $"{lines[r]} names {result.ClassNames[k]}, which does not leave at exit {m + 1}");
                    }
                }
            }

            StringAssert.EndsWith(lines[r], $"the rest ({QuickStartDemo.Percent(sim.ExitRates[2])} of all points) reach exit 3.");
        }
    }

    [TestMethod]
    public void TheFigureDrawsTheSameThresholdsAndAlgorithmOne()
    {
        var result = Result;
        using var figure = QuickStartDemo.Figure(result);
        FigureTests.AssertPng(figure.ToPng(), figure.Width, figure.Height);
        var texts = FigureTests.SvgTexts(figure.ToSvg()).ToList();
        int panel = 1; // Plots[0] is the title and legend
        foreach (var model in result.Models)
        {
            for (int m = 0; m < 3; m++, panel++)
            {
                string title = m == 2 ? $"{model.Label}: exit 3 (final, answers all)"
                    : model.Thresholds[m] == 0 ? $"{model.Label}: exit {m + 1} (T = 0, off)"
                    : $"{model.Label}: exit {m + 1} (T = {DecisionRegionFigure.FormatThreshold(model.Thresholds[m])})";
                CollectionAssert.Contains(texts, title);

                // Each panel's cells: where the predictor (same thresholds) sends the cell's centre.
                var heatmap = figure.Plots[panel].GetPlottables<ScottPlot.Plottables.Heatmap>().Single();
                int resolution = heatmap.Intensities.GetLength(0);
                var grid = DecisionRegionFigure.Grid(1f, resolution);
                var run = new EarlyExitPredictor(model.Network, model.Sets, model.Thresholds, [2]).PredictBatch(grid.Features, grid.Count);
                for (int i = 0; i < grid.Count; i++)
                {
                    int code = (int)heatmap.Intensities[i / resolution, i % resolution];
                    int exit = run.Predictions[i].Exit;
                    if (exit == m)
                    {
                        Assert.AreEqual(run.Predictions[i].PredictedClass, code, $"{model.Label} exit {m + 1}, cell {i}: leaves with its class");
                    }
                    else if (exit < m)
                    {
                        Assert.AreEqual(6, code, $"{model.Label} exit {m + 1}, cell {i}: left earlier");
                    }
                    else
                    {
                        Assert.IsTrue(code == 5 || (code == 4 && model.Sets.HasBag(m)), $"{model.Label} exit {m + 1}, cell {i}: passes on ({code})");
                    }
                }
            }
        }

        CollectionAssert.IsSubsetOf(new[] { "leaves: blue", "passes on: bag", "passes on: not confident", "left earlier" }, texts);
    }
}
