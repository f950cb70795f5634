using System.Text.Json;
using ClassyNet.MLNet.Deployment.Pruning;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>budgets, prune and plan (issue 13 items 4-6).</summary>
[TestClass]
public sealed class DeploymentCommandTests
{
    [TestMethod]
    public void BudgetsOfThePapersResNet110MatchItsTableIvMapping()
    {
        var run = CliRun.Invoke("budgets", "--preset", "resnet110-7exit", "--no-measure");
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "| E2 (#18) | 38,010 | 37,728 | 2,414,592 (2.30 MB) |");
        StringAssert.Contains(run.Output, "470 KB: paper E1, here E1 (#4) (same); 2.31 MB: paper E2, here E2 (#18) (same); 5.54 MB: paper E3, here E3 (#36) (same); 28.5 MB: paper E5, here E5 (#72) (same); 112 MB: paper E7, here E7 (#110) (same).");

        using var dir = new TempDirectory();
        var small = CliRun.Invoke("budgets", "--arch", "r8", "--exits", "3,5,8", "--in-channels", "1", "--image-size", "12", "--budgets", "64KB,1MB", "--out", dir.File("b.md"));
        Assert.AreEqual(0, small.ExitCode, small.ToString());
        StringAssert.Contains(File.ReadAllText(dir.File("b.md")), "| 64 KB | 65,536 |");
        StringAssert.Contains(small.Output, "measured activation peak");
    }

    [TestMethod]
    public void BadDeploymentOptionsAreUserErrors()
    {
        var noNetwork = CliRun.Invoke("budgets");
        Assert.AreEqual(1, noNetwork.ExitCode, noNetwork.ToString());
        StringAssert.Contains(noNetwork.Error, "needs a model file, --preset");
        var badBudget = CliRun.Invoke("budgets", "--preset", "r20-3exit", "--budgets", "lots");
        Assert.AreEqual(1, badBudget.ExitCode);
        StringAssert.Contains(badBudget.Error, "--budgets: 'lots' is not a memory size");

        using var dir = new TempDirectory();
        string csv = dir.File("tiny.csv");
        TinyData.Write(csv, 80, seed: 1);
        string mlp = dir.File("mlp.zip");
        Assert.AreEqual(0, CliRun.Invoke("train", "--dataset", "csv", "--data", csv, "--exit-classes", "0;1", "--widths", "8,8,8", "--epochs", "1", "--out", mlp).ExitCode);
        var notResNet = CliRun.Invoke("prune", mlp, "--method", "hrank", "--budget", "10KB", "--dataset", "csv", "--data", csv);
        Assert.AreEqual(1, notResNet.ExitCode);
        StringAssert.Contains(notResNet.Error, "prune a ResNet");
        var method = CliRun.Invoke("prune", mlp, "--method", "lottery", "--budget", "10KB", "--dataset", "csv", "--data", csv);
        Assert.AreEqual(1, method.ExitCode);
        StringAssert.Contains(method.Error, "Unknown --method 'lottery'");
        var twoTargets = CliRun.Invoke("prune", mlp, "--method", "hrank", "--budget", "10KB", "--reduction", "0.5", "--dataset", "csv", "--data", csv);
        Assert.AreEqual(1, twoTargets.ExitCode);
        StringAssert.Contains(twoTargets.Error, "exactly one target");

        var mix = CliRun.Invoke("plan", mlp, "--dataset", "csv", "--data", csv, "--memory", "1MB", "--mix", "7:0.5");
        Assert.AreEqual(1, mix.ExitCode, mix.ToString());
        StringAssert.Contains(mix.Error, "--mix: Class mix '7:0.5' names class 7, but there are 4 classes");
        var bandwidth = CliRun.Invoke("plan", mlp, "--dataset", "csv", "--data", csv, "--memory", "1MB", "--bandwidth", "fast");
        Assert.AreEqual(1, bandwidth.ExitCode);
        StringAssert.Contains(bandwidth.Error, "--bandwidth: 'fast' is not a bandwidth");
        var rule = CliRun.Invoke("plan", mlp, "--dataset", "csv", "--data", csv, "--memory", "1MB", "--memory-rule", "vibes");
        Assert.AreEqual(1, rule.ExitCode);
        StringAssert.Contains(rule.Error, "Unknown --memory-rule 'vibes'");

        var plan = CliRun.Invoke("plan", mlp, "--dataset", "csv", "--data", csv, "--memory", "1KB", "--rtt-ms", "200", "--bandwidth", "1MB/s", "--mix", "0:0.9", "--json", dir.File("plan.json"));
        Assert.AreEqual(0, plan.ExitCode, plan.ToString());
        StringAssert.Contains(plan.Output, "Measured costs");
        StringAssert.Contains(plan.Output, "Chosen: ");
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("plan.json")));
        Assert.AreEqual(4, json.RootElement.GetProperty("plan").GetProperty("candidates").GetArrayLength(), "cloud only and three splits");
    }

    [TestMethod]
    public void PrunesAFashionMnistBaselineAndPlansAModel()
    {
        string data = RealData.FashionMnistDirectory();
        using var dir = new TempDirectory();
        string baseline = dir.File("baseline.zip");
        var train = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", data, "--arch", "r8", "--exit-classes", "9;8", "--mode", "baseline",
            "--train-limit", "200", "--batch-size", "50", "--epochs", "1", "--out", baseline);
        Assert.AreEqual(0, train.ExitCode, train.ToString());

        string pruned = dir.File("hrank.zip");
        var prune = CliRun.Invoke("prune", baseline, "--method", "hrank", "--budget", "300KB", "--dataset", "fashion-mnist", "--data", data,
            "--train-limit", "150", "--test-limit", "60", "--calibration", "32", "--repeats", "1", "--out", pruned, "--json", dir.File("hrank.json"));
        Assert.AreEqual(0, prune.ExitCode, prune.ToString());
        StringAssert.Contains(prune.Output, "hrank pruning, budget 300 KB (at most 4,800 non-zero parameters)");
        var model = PrunedModel.Load(pruned);
        Assert.AreEqual(PruningMethod.HRank, model.Method);
        Assert.IsTrue(model.Parameters <= 4800);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("hrank.json")));
        Assert.AreEqual(model.Result!.Accuracy, json.RootElement.GetProperty("accuracy").GetDouble());

        var plan = CliRun.Invoke("plan", baseline, "--dataset", "fashion-mnist", "--data", data, "--split", "test", "--limit", "200", "--memory", "64KB", "--memory-rule", "paper", "--mix", "9:0.9");
        Assert.AreEqual(0, plan.ExitCode, plan.ToString());
        StringAssert.Contains(plan.Output, "class mix class 9: 90.0%, 9 other classes: 1.1% each");
    }
}
