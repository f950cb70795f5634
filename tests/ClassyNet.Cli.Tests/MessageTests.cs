using System.Globalization;
using System.Text.RegularExpressions;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>What the tool says: errors that name the option the user gave, rounded thresholds, progress and epoch lines as training goes, and a baseline that does not report untrained exits.</summary>
[TestClass]
public sealed class MessageTests
{
    private static string[] TrainArgs(string csv, string model, params string[] extra) =>
        ["train", "--dataset", "csv", "--data", csv, "--exit-classes", "0;1", "--widths", "8,8,8", "--lr", "0.01", "--batch-size", "32", .. extra, "--out", model];

    [TestMethod]
    public void PriorityClassesOutOfRangeBlameThatOption()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 80, seed: 1);
        Assert.AreEqual(0, CliRun.Invoke(TrainArgs(dir.File("d.csv"), dir.File("m.zip"), "--epochs", "1")).ExitCode);
        var run = CliRun.Invoke("report", "--models", dir.File("m.zip"), "--dataset", "csv", "--data", dir.File("d.csv"), "--priority-classes", "12", "--out", dir.File("r"));
        ErrorTests.AssertUserError(run, "--priority-classes \"12\" names class 12, but the data has 4 classes");
        Assert.IsFalse(run.Error.Contains("--exit-classes", StringComparison.Ordinal), run.Error);
    }

    [TestMethod]
    public void TooManyExitClassGroupsForAPresetNameThePresetAndTheGroups()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 40, seed: 1);
        var run = CliRun.Invoke("train", "--dataset", "csv", "--data", dir.File("d.csv"), "--preset", "r20-3exit", "--exit-classes", "0;1;2", "--out", dir.File("m.zip"));
        ErrorTests.AssertUserError(run, "--preset r20-3exit builds 3 exits (exits after layers 7, 13, 20)", "--exit-classes \"0;1;2\" gives 3 early-exit groups, i.e. 4 exits", "Give 2 groups");
        Assert.IsFalse(run.Error.Contains("--exits has", StringComparison.Ordinal), "no blame on --exits, which the user did not give: " + run.Error);
    }

    [TestMethod]
    [DataRow("--repeats", "2", "--repeats must be >= 5 (min, median and max need several timed rounds); got 2.")]
    [DataRow("--mix-size", "3", "--mix-size must be a whole number >= 10; got 3.")]
    [DataRow("--batch-size", "0", "--batch-size must be a whole number >= 1; got 0.")]
    public void ReportBlamesOnlyTheOptionOutOfRange(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        var run = CliRun.Invoke("report", "--models", dir.File("m.zip"), "--dataset", "csv", "--out", dir.File("r"), option, value);
        ErrorTests.AssertUserError(run, expected);
        foreach (var other in new[] { "--repeats", "--mix-size", "--batch-size" }.Where(o => o != option))
        {
            Assert.IsFalse(run.Error.Contains(other, StringComparison.Ordinal), $"only {option} is out of range: {run.Error}");
        }
    }

    [TestMethod]
    [DataRow("prune", "--lr", "0", "--lr must be > 0; got 0.")]
    [DataRow("prune", "--repeats", "0", "--repeats must be >= 1; got 0.")]
    [DataRow("plan", "--candidates", "0", "--candidates must be >= 1; got 0.")]
    [DataRow("plan", "--edge-slowdown", "0", "--edge-slowdown must be > 0; got 0.")]
    [DataRow("budgets", "--classes", "1", "--classes must be >= 2; got 1.")]
    public void DeploymentVerbsBlameOnlyTheOptionOutOfRange(string command, string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        string[] args = command switch
        {
            "prune" => ["prune", dir.File("m.zip"), "--method", "magnitude", "--budget", "1MB", "--dataset", "csv", option, value],
            "plan" => ["plan", dir.File("m.zip"), "--dataset", "csv", "--memory", "1MB", "--rtt-ms", "10", "--bandwidth", "1MB/s", option, value],
            _ => ["budgets", "--arch", "r20", option, value],
        };
        var run = CliRun.Invoke(args);
        ErrorTests.AssertUserError(run, expected);
        Assert.AreEqual(1, Regex.Matches(run.Error, "--[a-z]").Count, "one option named: " + run.Error);
    }

    [TestMethod]
    [DataRow("evaluate", "--limit")]
    [DataRow("report", "--limit")]
    [DataRow("report", "--target-class")]
    [DataRow("train", "--train-limit")]
    public void ANonNumberForAWholeNumberOptionSaysWhatWasExpected(string command, string option)
    {
        string[] args = command switch
        {
            "evaluate" => ["evaluate", "m.zip", "--dataset", "csv", option, "abc"],
            "report" => ["report", "--models", "m.zip", "--dataset", "csv", "--out", "r", option, "abc"],
            _ => ["train", "--dataset", "csv", "--out", "m.zip", option, "abc"],
        };
        var run = CliRun.Invoke(args);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, $"{option} 'abc' is not a whole number; expected e.g. {option} ", run.ToString());
        Assert.IsFalse(run.Error.Contains("System.", StringComparison.Ordinal), "no .NET type names: " + run.Error);
    }

    [TestMethod]
    public void ThresholdsArePrintedRoundedAndKeptExactInTheModel()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 120, seed: 1);
        string model = dir.File("m.zip");
        var train = CliRun.Invoke(TrainArgs(dir.File("d.csv"), model, "--epochs", "2", "--thresholds", "0.123456,0.2"));
        Assert.AreEqual(0, train.ExitCode, train.ToString());
        StringAssert.Contains(train.Output, "thresholds [0.123,0.2]");
        CollectionAssert.AreEqual(new[] { 0.123456f, 0.2f }, ClassyNet.MLNet.Inference.ClassyNetModel.Load(model).Thresholds.ToArray(), "the file keeps the exact values");

        var calibrate = CliRun.Invoke("calibrate", model, "--dataset", "csv", "--data", dir.File("d.csv"), "--max-accuracy-drop", "0.05");
        Assert.AreEqual(0, calibrate.ExitCode, calibrate.ToString());
        var written = Regex.Match(calibrate.Output, @"Wrote thresholds \[([^\]]*)\]");
        Assert.IsTrue(written.Success, calibrate.Output);
        var exact = ClassyNet.MLNet.Inference.ClassyNetModel.Load(model).Thresholds;
        CollectionAssert.AreEqual(exact.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)).ToArray(), written.Groups[1].Value.Split(','));
        Assert.IsTrue(written.Groups[1].Value.Split(',').All(t => t.TrimStart('0', '.').Replace(".", string.Empty, StringComparison.Ordinal).Length <= 3), written.Value);
    }

    [TestMethod]
    public void EachEpochLineIsPrintedWhenTheEpochEndsAndProgressShowsTheEpochMeanLoss()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 200, seed: 3);
        var lines = new List<string>();
        var run = CliRun.Invoke(TrainArgs(dir.File("d.csv"), dir.File("m.zip"), "--epochs", "3"), CancellationToken.None, lines.Add);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        for (int e = 1; e <= 3; e++)
        {
            int line = lines.FindIndex(l => l.StartsWith($"epoch {e}: loss", StringComparison.Ordinal));
            int lastProgress = lines.FindLastIndex(l => l.StartsWith($"epoch {e}/3:", StringComparison.Ordinal));
            Assert.IsTrue(line > lastProgress, $"epoch {e}'s line follows its progress:\n{run.Output}");
            if (e < 3)
            {
                int nextProgress = lines.FindIndex(l => l.StartsWith($"epoch {e + 1}/3:", StringComparison.Ordinal));
                Assert.IsTrue(line < nextProgress, $"epoch {e}'s line comes before epoch {e + 1} trains:\n{run.Output}");
            }

            // The progress at 100% shows the running mean of the epoch's step losses, which ends at the epoch's loss.
            var full = Regex.Match(lines[lastProgress], @"100% loss ([\d.]+) \(epoch mean\)");
            var epoch = Regex.Match(lines[line], @"loss ([\d.]+) \(mean of the epoch's steps\)");
            Assert.IsTrue(full.Success && epoch.Success, run.Output);
            Assert.AreEqual(Math.Round(double.Parse(epoch.Groups[1].Value, CultureInfo.InvariantCulture), 3), double.Parse(full.Groups[1].Value, CultureInfo.InvariantCulture), 1e-9);
        }
    }

    [TestMethod]
    public void TheBaselineSaysItsEarlyExitsAreNotTrained()
    {
        using var dir = new TempDirectory();
        TinyData.Write(dir.File("d.csv"), 120, seed: 1);
        var run = CliRun.Invoke(TrainArgs(dir.File("d.csv"), dir.File("m.zip"), "--epochs", "1", "--mode", "baseline"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "(final exit; the baseline does not train its early exits, so they are not evaluated)");
        Assert.IsFalse(run.Output.Contains("validation exit accuracy", StringComparison.Ordinal), run.Output);

        var evaluate = CliRun.Invoke("evaluate", dir.File("m.zip"), "--dataset", "csv", "--data", dir.File("d.csv"));
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        StringAssert.Contains(evaluate.Output, "The baseline trains only its final exit: its early exits are untrained and off");

        var metrics = new EpochMetrics(2, 0.5, [], [new(1, 0.1, 0), new(1, 0.2, 0), new(0.3, 0.9, 1)], 100);
        StringAssert.Contains(TrainCommand.EpochLine(metrics, baseline: true), "validation accuracy 90.0% (final exit;");
        StringAssert.Contains(TrainCommand.EpochLine(metrics, baseline: false), "validation exit accuracy 10.0% / 20.0% / 90.0%");
    }
}
