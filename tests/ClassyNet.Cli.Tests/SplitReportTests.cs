using System.Globalization;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Pruning;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary><c>classynet report --edge-cloud</c>: the Table IV analogue over real loopback gRPC (issue 13 item 7).</summary>
[TestClass]
public sealed class SplitReportTests
{
    private const double RttMs = 20;

    [TestMethod]
    [Timeout(180_000)]
    public void TableNumbersAreThePredictorsAndTheMeasuredBatches()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("tiny.csv");
        var all = TinyData.Write(csv, 240, seed: 3);
        var files = new List<string>();
        foreach (var mode in new[] { "bn", "cn" })
        {
            string raw = dir.File(mode + "-raw.zip");
            var train = CliRun.Invoke("train", "--dataset", "csv", "--data", csv, "--exit-classes", "0;1", "--widths", "8,8,8", "--epochs", "3", "--mode", mode, "--out", raw);
            Assert.AreEqual(0, train.ExitCode, train.ToString());

            // Thresholds at the 60th percentile of each early exit's entropies, so some samples leave at the edge's exit
            // and others go on to the cloud.
            string file = dir.File(mode + ".zip");
            var trained = ClassyNetModel.Load(raw);
            var cache = trained.BuildScoreCache(all);
            trained.WithThresholds([.. Enumerable.Range(0, trained.ExitCount - 1).Select(m => cache.Entropies(m).Order().ElementAt(cache.Count * 6 / 10) + 1e-6f)]).Save(file);
            files.Add(file);
        }

        string output = dir.File("out");
        var run = CliRun.Invoke(
            "report", "--edge-cloud", "--models", files[0], files[1], "--dataset", "csv", "--data", csv, "--budgets", "1KB,4KB,1MB",
            "--rtt-ms", RttMs.ToString(CultureInfo.InvariantCulture), "--bandwidth", "unlimited", "--mix-size", "64", "--out", output);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (var f in new[] { "report-split.md", "report-split.json", "report-split.png", "report-split.svg" })
        {
            Assert.IsTrue(File.Exists(Path.Combine(output, f)), f + " written");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report-split.json")));
        var root = json.RootElement;
        Assert.AreEqual(0, root.GetProperty("priorityClass").GetInt32(), "default: the class of the CN model's first exit");
        var sets = root.GetProperty("sets").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        CollectionAssert.AreEqual(new[] { 16, 16, 16, 16 }, Labels(all, sets["uniform"]).GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()).ToArray(), "uniform: as many of each class");
        Assert.AreEqual(58, Labels(all, sets["biased"]).Count(l => l == 0), "biased: 90% of 64 from the priority class, rounded");

        var budgets = MemoryBudget.ParseList("1KB,4KB,1MB");
        var measurements = root.GetProperty("measurements").EnumerateArray().ToArray();
        var table = root.GetProperty("table").EnumerateArray().ToArray();
        string markdown = File.ReadAllText(Path.Combine(output, "report-split.md"));
        int checkedCells = 0, sentSomewhere = 0, leftSomewhere = 0;
        for (int m = 0; m < files.Count; m++)
        {
            var model = ClassyNetModel.Load(files[m]);
            string name = m == 0 ? "BN" : "CN";
            var fits = PartitionMemoryAnalyzer.Analyze(model.Network, model.InputShape, new PartitionMemoryOptions { Budgets = budgets, MeasureActivations = false }).Fits;
            for (int b = 0; b < budgets.Count; b++)
            {
                int? expectedExit = fits[b].ByPaperFormula is int k ? k + 1 : null;
                foreach (var (setName, indices) in sets)
                {
                    var cell = table[b].GetProperty("models").GetProperty(name).GetProperty(setName);
                    if (expectedExit is null)
                    {
                        Assert.AreEqual(JsonValueKind.Null, cell.GetProperty("splitExit").ValueKind, $"{name} at {budgets[b]}: no edge part fits");
                        continue;
                    }

                    Assert.AreEqual(expectedExit, cell.GetProperty("splitExit").GetInt32(), $"{name} at {budgets[b]}: the deepest exit the paper's formula fits");
                    var measured = measurements[cell.GetProperty("measurement").GetInt32()];
                    var subset = Subset(all, indices);
                    var unsplit = model.Predict(subset, batchSize: 256);
                    var predicted = unsplit.PredictedClasses();
                    var exits = unsplit.Predictions.Select(p => p.Exit).ToArray();
                    double accuracy = predicted.Zip(subset.Labels).Count(p => p.First == p.Second) / (double)subset.Count;
                    Assert.AreEqual(accuracy, measured.GetProperty("accuracy").GetDouble(), 1e-12, $"{name} {setName} at {budgets[b]}: the split answers what the predictor answers");
                    Assert.AreEqual(accuracy, cell.GetProperty("accuracy").GetDouble(), 1e-12);
                    CollectionAssert.AreEqual(unsplit.ExitCounts(), measured.GetProperty("exitCounts").EnumerateArray().Select(e => e.GetInt32()).ToArray());
                    int split = expectedExit.Value;
                    int sent = exits.Count(e => e >= split);
                    int batchesToCloud = Enumerable.Range(0, (indices.Length + 15) / 16).Count(q => exits.Skip(q * 16).Take(16).Any(e => e >= split));
                    Assert.AreEqual(sent, measured.GetProperty("sentToCloud").GetInt32(), "only the samples that do not leave on the edge are sent");
                    Assert.AreEqual(batchesToCloud, measured.GetProperty("batchesToCloud").GetInt32());
                    Assert.AreEqual(0, measured.GetProperty("unanswered").GetInt32());
                    var batchMs = measured.GetProperty("batchLatencyMs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    Assert.AreEqual(4, batchMs.Length, "64 samples in batches of 16");
                    double total = measured.GetProperty("totalMs").GetDouble();
                    Assert.AreEqual(batchMs.Sum(), total, 1e-6, "the time is the sum of the batches' latencies");
                    Assert.IsTrue(total >= RttMs * batchesToCloud, $"every batch that went to the cloud paid the round trip: {total} ms for {batchesToCloud} batches");
                    Assert.IsTrue(batchMs.Where((_, q) => exits.Skip(q * 16).Take(16).Any(e => e >= split)).All(ms => ms >= RttMs), "each of those batches took at least the RTT");
                    sentSomewhere += sent > 0 && sent < indices.Length ? 1 : 0;
                    leftSomewhere += split < model.ExitCount && sent < indices.Length ? 1 : 0;
                    string text = $"E{split}: {CliOutput.Percent(accuracy)} / {SplitReport.Ms(total)} ms";
                    StringAssert.Contains(markdown, text, "the Markdown table shows the measured numbers");
                    StringAssert.Contains(run.Output, text, "and so does the console");
                    checkedCells++;
                }
            }
        }

        Assert.AreEqual(8, checkedCells, "4 KB and 1 MB hold an edge part of both models, for both sets; 1 KB none");
        Assert.IsTrue(sentSomewhere > 0 && leftSomewhere > 0, "the thresholds split the sets between the edge and the cloud");
        StringAssert.Contains(markdown, "| 1 KB | does not fit | does not fit | does not fit | does not fit |");
        StringAssert.Contains(markdown, "![End-to-end time per device memory](report-split.png)");
    }

    [TestMethod]
    [Timeout(120_000)]
    public void BadEdgeCloudOptionsNameOptionValueAndExpectation()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("tiny.csv");
        TinyData.Write(csv, 80, seed: 1);
        string cn = dir.File("cn.zip");
        Assert.AreEqual(0, CliRun.Invoke("train", "--dataset", "csv", "--data", csv, "--exit-classes", "0;1", "--widths", "8,8,8", "--epochs", "1", "--mode", "cn", "--out", cn).ExitCode);
        string[] common = ["report", "--edge-cloud", "--models", cn, "--dataset", "csv", "--data", csv, "--out", dir.File("out")];
        (string[] Args, string Message)[] cases =
        [
            (["--rtt-ms", "-5"], "--rtt-ms must be a number of milliseconds >= 0; got -5"),
            (["--bandwidth", "fast"], "--bandwidth: 'fast' is not a bandwidth; expected e.g."),
            (["--biased-share", "1.5"], "--biased-share must be a fraction in (0, 1]"),
            (["--budgets", "lots"], "--budgets: 'lots' is not a memory size"),
            (["--memory-rule", "vibes"], "Unknown --memory-rule 'vibes'; expected measured, paper or edge"),
            (["--priority-class", "7"], "--priority-class 7 is outside the 4 classes (0..3)"),
            (["--mix-size", "3"], "--mix-size must be a whole number >= 10 (the size of each test set); got 3"),
            (["--batch-size", "0"], "--batch-size must be a whole number >= 1; got 0"),
            (["--shares", "10,20"], "--shares applies to the Fig. 6/9 report, not to --edge-cloud"),
            (["--pruned", dir.File("missing.zip")], $"--pruned '{dir.File("missing.zip")}': Pruned model"),
            (["--pruned", cn], $"--pruned '{cn}': '{cn}' has no pruned.json entry; it is not a pruned model written by 'classynet prune'"),
        ];
        foreach (var (args, message) in cases)
        {
            var run = CliRun.Invoke([.. common, .. args]);
            Assert.AreEqual(1, run.ExitCode, string.Join(' ', args) + ": " + run);
            StringAssert.Contains(run.Error, message, string.Join(' ', args));
        }

        var noEdgeCloud = CliRun.Invoke("report", "--models", cn, "--dataset", "csv", "--data", csv, "--out", dir.File("out"), "--rtt-ms", "100");
        Assert.AreEqual(1, noEdgeCloud.ExitCode, noEdgeCloud.ToString());
        StringAssert.Contains(noEdgeCloud.Error, "--rtt-ms applies only with --edge-cloud");
        Assert.IsFalse(Directory.Exists(dir.File("out")), "no report was started");
    }

    [TestMethod]
    [Timeout(300_000)]
    public void PrunedBaselinesAreRowsMeasuredOnTheEdge()
    {
        string data = RealData.FashionMnistDirectory();
        using var dir = new TempDirectory();
        string baseline = dir.File("baseline.zip");
        string bn = dir.File("bn.zip");
        foreach (var (mode, file) in new[] { ("baseline", baseline), ("bn", bn) })
        {
            var train = CliRun.Invoke("train", "--dataset", "fashion-mnist", "--data", data, "--arch", "r8", "--exit-classes", "9;8", "--mode", mode,
                "--train-limit", "200", "--batch-size", "50", "--epochs", "1", "--out", file);
            Assert.AreEqual(0, train.ExitCode, train.ToString());
        }

        string hrank = dir.File("hrank.zip");
        var prune = CliRun.Invoke("prune", baseline, "--method", "hrank", "--reduction", "0.5", "--dataset", "fashion-mnist", "--data", data,
            "--train-limit", "200", "--test-limit", "50", "--epochs", "0", "--calibration", "32", "--repeats", "1", "--out", hrank);
        Assert.AreEqual(0, prune.ExitCode, prune.ToString());

        string output = dir.File("out");
        var run = CliRun.Invoke("report", "--edge-cloud", "--models", bn, "--pruned", hrank, "--dataset", "fashion-mnist", "--data", data,
            "--limit", "300", "--mix-size", "32", "--rtt-ms", "5", "--priority-class", "9", "--budgets", "64KB,100MB", "--out", output);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report-split.json")));
        var root = json.RootElement;
        var uniform = root.GetProperty("sets")[0].GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()).ToArray();
        var test = FashionMnist.Load(data, FashionMnistSplit.Test);
        var pruned = PrunedModel.Load(hrank);
        double accuracy = pruned.Accuracy(Subset(test, uniform));
        long bytes = PaperMemoryFormula.Bytes(pruned.NonZeroParameters);
        var table = root.GetProperty("table").EnumerateArray().ToArray();
        for (int b = 0; b < 2; b++)
        {
            var cell = table[b].GetProperty("pruned").GetProperty("HRank");
            long budget = b == 0 ? 64 << 10 : 100L << 20;
            if (bytes > budget)
            {
                Assert.AreEqual(JsonValueKind.Null, cell.ValueKind, "a pruned model larger than the memory is no row there");
                continue;
            }

            Assert.AreEqual(accuracy, cell.GetProperty("accuracy").GetDouble(), 1e-12, "the pruned network exported to the edge answers as on TorchSharp");
            var measured = root.GetProperty("measurements")[cell.GetProperty("measurement").GetInt32()];
            Assert.AreEqual(0, measured.GetProperty("sentToCloud").GetInt32(), "a pruned baseline runs whole on the edge");
            StringAssert.Contains(File.ReadAllText(Path.Combine(output, "report-split.md")), $"{CliOutput.Percent(accuracy)} / {SplitReport.Ms(measured.GetProperty("totalMs").GetDouble())} ms");
        }

        Assert.AreEqual(JsonValueKind.Object, table[1].GetProperty("pruned").GetProperty("HRank").ValueKind, "100 MB holds the half-pruned R8");
    }

    private static int[] Labels(TensorDataset data, int[] indices) => indices.Select(i => data.Labels[i]).ToArray();

    private static TensorDataset Subset(TensorDataset data, int[] indices)
    {
        int size = data.SampleSize;
        var features = new float[indices.Length * size];
        for (int i = 0; i < indices.Length; i++)
        {
            data.Features.AsSpan(indices[i] * size, size).CopyTo(features.AsSpan(i * size));
        }

        return new TensorDataset(features, Labels(data, indices), [.. data.SampleShape]);
    }
}
