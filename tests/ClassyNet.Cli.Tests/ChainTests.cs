using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Tests;
using ClassyNet.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ClassyNet.Cli.Tests;

/// <summary>
/// train -> calibrate -> evaluate -> report, in process, on the four-blob CSV data with a small MLP (about a second
/// per command), checking what each command wrote against the library's own computation.
/// </summary>
[TestClass]
public sealed class ChainTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [TestMethod]
    public void TrainCalibrateEvaluateReportOnCsv()
    {
        using var dir = new TempDirectory();
        string trainCsv = dir.File("train.csv"), testCsv = dir.File("test.csv");
        var train = TinyData.Write(trainCsv, 400, seed: 1);
        var test = TinyData.Write(testCsv, 200, seed: 2);

        // train: the four models of the paper's comparison.
        string[] modes = ["baseline", "bn", "cn", "cn+c"];
        var zips = modes.Select(m => dir.File(m.Replace("+", string.Empty, StringComparison.Ordinal) + ".zip")).ToArray();
        for (int i = 0; i < modes.Length; i++)
        {
            var run = CliRun.Invoke("train", "--dataset", "csv", "--data", trainCsv, "--mode", modes[i], "--exit-classes", "0;1", "--widths", "16,16,16",
                "--epochs", "12", "--lr", "0.01", "--seed", "3", "--out", zips[i]);
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            StringAssert.Contains(run.Output, "Wrote " + zips[i]);
        }

        var cn = ClassyNetModel.Load(zips[2]);
        Assert.AreEqual(4, cn.ClassCount);
        Assert.AreEqual(3, cn.ExitCount);
        Assert.AreEqual("cn", cn.Mode);
        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3" }, cn.ClassNames!.ToArray());
        CollectionAssert.AreEqual(new[] { 0.3f, 0.2f }, cn.Thresholds.ToArray());
        Assert.AreEqual("0;1", cn.Metadata["exitClasses"]);
        Assert.AreEqual("baseline", ClassyNetModel.Load(zips[0]).Mode);
        Assert.IsFalse(File.Exists(zips[2] + ".ckpt"), "a finished run removes its checkpoint");

        // calibrate: new thresholds inside the zip, chosen on the held-out 10% exactly as the library chooses them.
        var calibrate = CliRun.Invoke("calibrate", zips[2], "--dataset", "csv", "--data", trainCsv, "--max-accuracy-drop", "0.05");
        Assert.AreEqual(0, calibrate.ExitCode, calibrate.ToString());
        var calibrated = ClassyNetModel.Load(zips[2]);
        CollectionAssert.AreNotEqual(cn.Thresholds.ToArray(), calibrated.Thresholds.ToArray(), "calibration moved the thresholds");
        Assert.AreEqual("0.3,0.2", calibrated.Metadata["thresholdsBeforeCalibration"]);
        Assert.AreEqual("true", calibrated.Metadata["calibrationSatisfied"]);
        StringAssert.Contains(calibrate.Output, $"Wrote thresholds [{string.Join(",", calibrated.Thresholds.Select(t => t.ToString("G3", CultureInfo.InvariantCulture)))}]", "printed rounded; the file keeps the exact values");
        var (_, validation) = MultiExitTrainer.SplitValidation(train, 0.1f, 3);
        StringAssert.Contains(calibrate.Output, $"{validation!.Count} samples");
        var (expected, _) = cn.Recalibrate(validation, new ThresholdCalibrationOptions { MaxAccuracyDrop = 0.05, CandidatesPerExit = 32 });
        CollectionAssert.AreEqual(expected.Thresholds.ToArray(), calibrated.Thresholds.ToArray(), "the CLI calibrates on the model's own validation split");
        var after = calibrated.Network.state_dict();
        foreach (var (name, tensor) in cn.Network.state_dict())
        {
            Assert.IsTrue(TensorAssert.Same(tensor, after[name]), $"calibration leaves weight '{name}' alone");
        }

        // evaluate: printed accuracy, exit table and confusion matrix agree with the library's predictions.
        string evalJson = dir.File("eval.json");
        var evaluate = CliRun.Invoke("evaluate", zips[2], "--dataset", "csv", "--data", testCsv, "--json", evalJson);
        Assert.AreEqual(0, evaluate.ExitCode, evaluate.ToString());
        var truth = Library(calibrated, test);
        var accuracy = Regex.Match(evaluate.Output, @"Accuracy: ([\d.]+)% \((\d+) of (\d+) correct\)");
        Assert.IsTrue(accuracy.Success, evaluate.Output);
        Assert.AreEqual(truth.Correct, int.Parse(accuracy.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.AreEqual(test.Count, int.Parse(accuracy.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.AreEqual(Pct(truth.Correct / (double)test.Count), accuracy.Groups[1].Value + "%");
        StringAssert.Matches(evaluate.Output, new Regex(@"Average MACs per sample: [\d.]+( k| M)?; full network .*speedup [\d.]+x"));

        var exitRows = TableRows(evaluate.Output, "== Exits per class");
        var confusionRows = TableRows(evaluate.Output, "== Confusion matrix");
        for (int k = 0; k < 4; k++)
        {
            var exitCells = Regex.Matches(exitRows[k], @"(\d+) \(").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, 3).Select(e => truth.Exits[k, e]).ToArray(), exitCells, $"exit counts of class {k}: {exitRows[k]}");
            var confusionCells = confusionRows[k].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(p => truth.Confusion[k, p]).ToArray(), confusionCells, $"confusion row of class {k}");
        }

        using (var json = JsonDocument.Parse(File.ReadAllText(evalJson)))
        {
            Assert.AreEqual(truth.Correct / (double)test.Count, json.RootElement.GetProperty("accuracy").GetDouble(), 1e-12);
            Assert.AreEqual(truth.AverageMacs, json.RootElement.GetProperty("averageMacs").GetDouble(), 1e-9);
            Assert.AreEqual(truth.Confusion[3, 3], json.RootElement.GetProperty("confusionMatrix")[3][3].GetInt32());
        }

        // report: tables, figures and every number.
        string reportDir = dir.File("report");
        var report = CliRun.Invoke("report", "--models", zips[0], zips[1], zips[2], zips[3], "--dataset", "csv", "--data", testCsv, "--out", reportDir,
            "--mix-size", "100", "--repeats", "5");
        Assert.AreEqual(0, report.ExitCode, report.ToString());
        string md = File.ReadAllText(Path.Combine(reportDir, "report.md"));
        foreach (string section in new[] { "## Accuracy (paper Table III)", "## Priority-class speedup (paper Table II)", "## Exit distribution by class (paper Fig. 6)", "## Latency vs share of the target class (paper Fig. 9)", "![exit distribution by class](exits.png)", "![latency vs share](latency.png)", "![MACs vs share](macs.png)" })
        {
            StringAssert.Contains(md, section);
        }

        Assert.IsFalse(Regex.IsMatch(md, @"E1 \{0\} \| E2"), "a '|' inside a Markdown table cell is escaped");

        string[] names = ["Baseline", "BN", "CN", "CN+C"];
        var models = zips.Select(ClassyNetModel.Load).ToArray();
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportDir, "report.json"))))
        {
            var root = json.RootElement;
            Assert.AreEqual("Baseline", root.GetProperty("baseline").GetString());
            Assert.AreEqual(test.Count, root.GetProperty("count").GetInt32());
            Assert.AreEqual(ReportCommand.DefaultBatchSize, root.GetProperty("machine").GetProperty("batchSize").GetInt32(), "report's default early-exit batch");
            StringAssert.Contains(md, $"batches of {ReportCommand.DefaultBatchSize}.");
            var jsonModels = root.GetProperty("models").EnumerateArray().ToArray();
            Assert.AreEqual(4, jsonModels.Length);
            for (int i = 0; i < 4; i++)
            {
                var m = jsonModels[i];
                var lib = Library(models[i], test);
                Assert.AreEqual(names[i], m.GetProperty("name").GetString());
                Assert.AreEqual(lib.Correct / (double)test.Count, m.GetProperty("accuracy").GetDouble(), 1e-12, names[i]);
                Assert.AreEqual(lib.AverageMacs, m.GetProperty("averageMacs").GetDouble(), 1e-9, names[i]);
                var exitCounts = m.GetProperty("exitCounts").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
                for (int k = 0; k < 4; k++)
                {
                    CollectionAssert.AreEqual(Enumerable.Range(0, 3).Select(e => lib.Exits[k, e]).ToArray(), exitCounts[k], $"{names[i]} class {k}");
                }

                Assert.IsTrue(m.GetProperty("msPerSample").GetDouble() is > 0 and < 1000);
                StringAssert.Contains(md, $"| {names[i]} | {Pct(lib.Correct / (double)test.Count)} |", "Table III row");
            }

            Assert.AreEqual(1.0, jsonModels[0].GetProperty("macSpeedupVsBaseline").GetDouble(), 1e-12);
            Assert.IsTrue(jsonModels[2].GetProperty("macSpeedupVsBaseline").GetDouble() > 1, "the calibrated CN model exits early and saves MACs");

            var table2 = root.GetProperty("table2").EnumerateArray().ToArray();
            CollectionAssert.AreEqual(new[] { 0, 1 }, table2.Select(r => r.GetProperty("class").GetInt32()).ToArray(), "the priority classes of exits 1 and 2");
            CollectionAssert.AreEqual(new[] { 1, 2 }, table2.Select(r => r.GetProperty("exit").GetInt32()).ToArray());
            foreach (var row in table2)
            {
                foreach (string name in names)
                {
                    var cell = row.GetProperty("models").GetProperty(name);
                    Assert.AreEqual(JsonValueKind.Number, cell.GetProperty("macSpeedup").ValueKind);
                    Assert.AreEqual(JsonValueKind.Number, cell.GetProperty("timeSpeedup").ValueKind);
                    Assert.AreEqual(JsonValueKind.Number, cell.GetProperty("averageMacs").ValueKind);
                }

                string md2 = $"{CliOutput.Number(row.GetProperty("models").GetProperty("CN").GetProperty("macSpeedup").GetDouble())}x";
                StringAssert.Contains(md, md2, "Table II cell in report.md");
            }

            var fig9 = root.GetProperty("fig9");
            Assert.AreEqual(0, fig9.GetProperty("targetClass").GetInt32());
            Assert.AreEqual(9, fig9.GetProperty("sharesPercent").GetArrayLength());
            foreach (var series in fig9.GetProperty("series").EnumerateArray())
            {
                Assert.IsTrue(series.GetProperty("msPerSample").EnumerateArray().All(v => v.GetDouble() > 0));
                Assert.IsTrue(series.GetProperty("macsPerSample").EnumerateArray().All(v => v.GetDouble() > 0));
                string first = new TimingStats(series.GetProperty("msPerSampleMin")[0].GetDouble(), series.GetProperty("msPerSample")[0].GetDouble(), series.GetProperty("msPerSampleMax")[0].GetDouble(), 5).ToString();
                StringAssert.Contains(md, first, "Fig. 9 table holds the JSON's numbers");
            }

            var cnSeries = fig9.GetProperty("series")[2].GetProperty("macsPerSample").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.IsTrue(cnSeries[^1] < cnSeries[0], "more of the exit-1 class, fewer MACs for CN");
            foreach (var series in fig9.GetProperty("series").EnumerateArray())
            {
                var median = series.GetProperty("msPerSample").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var min = series.GetProperty("msPerSampleMin").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var max = series.GetProperty("msPerSampleMax").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                Assert.IsTrue(Enumerable.Range(0, median.Length).All(p => min[p] <= median[p] && median[p] <= max[p]), "min <= median <= max");
            }

            // Timing: 5 interleaved runs per workload; every flagged time speedup is marked in the tables, and only those.
            Assert.AreEqual(5, root.GetProperty("timing").GetProperty("repeats").GetInt32());
            int flagged = jsonModels.Count(m => m.GetProperty("timeSpeedupVsBaseline").GetProperty("flagged").GetBoolean())
                + table2.Sum(row => names.Count(n => row.GetProperty("models").GetProperty(n).GetProperty("timeSpeedupDetail").GetProperty("flagged").GetBoolean()));
            Assert.AreEqual(flagged, root.GetProperty("timing").GetProperty("flagged").GetInt32());
            int marks = md.Split('\n').Where(l => l.StartsWith('|')).Sum(l => l.Split('|').Count(cell => cell.Contains(TimeSpeedup.FlagMark, StringComparison.Ordinal)));
            Assert.AreEqual(flagged, marks, "flagged cells in report.md");
            StringAssert.Contains(md, flagged == 0 ? "No time speedup disagrees" : TimeSpeedup.FlagNote);
            StringAssert.Contains(report.Output, $"{flagged} time speedup(s) flagged");
        }

        // Figures: PNG and SVG of the promised sizes, with axes, legend and labels.
        foreach (var (figure, width, height) in new[] { ("exits", 900, 560), ("latency", 900, 520), ("macs", 900, 520) })
        {
            AssertPng(Path.Combine(reportDir, figure + ".png"), width, height);
        }

        var exits = SvgTexts(Path.Combine(reportDir, "exits.svg"));
        CollectionAssert.IsSubsetOf((string[])["exit 1", "exit 2", "exit 3", "samples leaving at the exit", "0", "3", .. names], exits);
        foreach (string figure in new[] { "latency.svg", "macs.svg" })
        {
            var texts = SvgTexts(Path.Combine(reportDir, figure));
            CollectionAssert.IsSubsetOf((string[])["10%", "50%", "90%", "share of class 0 in the test mix", .. names], texts, figure);
            Assert.IsTrue(texts.Any(t => t.Contains("per sample", StringComparison.Ordinal)), figure + " has a y-axis label");
        }
    }

    /// <summary>Checks the PNG signature and the IHDR width and height of a file.</summary>
    internal static void AssertPng(string path, int width, int height)
    {
        var png = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray(), path);
        Assert.AreEqual(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), path);
        Assert.AreEqual(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)), path);
    }

    internal static string Pct(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    internal static List<string> SvgTexts(string path)
    {
        var doc = XDocument.Parse(File.ReadAllText(path));
        Assert.AreEqual(Svg + "svg", doc.Root!.Name);
        return doc.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
    }

    /// <summary>The data rows of the plain-text table that follows <paramref name="heading"/> (after its header and rule).</summary>
    private static List<string> TableRows(string output, string heading)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int start = lines.FindIndex(l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.IsTrue(start >= 0, $"'{heading}' in:\n{output}");
        return lines.Skip(start + 3).TakeWhile(l => l.Length > 0 && !l.StartsWith("==", StringComparison.Ordinal)).ToList();
    }

    /// <summary>Accuracy, confusion and exit counts computed here from the library's predictions.</summary>
    private static (int Correct, int[,] Confusion, int[,] Exits, double AverageMacs) Library(ClassyNetModel model, TensorDataset data)
    {
        var run = model.Predict(data);
        var predicted = run.PredictedClasses();
        var exits = run.ExitIndices();
        var confusion = new int[model.ClassCount, model.ClassCount];
        var exitCounts = new int[model.ClassCount, model.ExitCount];
        for (int i = 0; i < data.Count; i++)
        {
            confusion[data.Labels[i], predicted[i]]++;
            exitCounts[data.Labels[i], exits[i]]++;
        }

        return (Enumerable.Range(0, data.Count).Count(i => predicted[i] == data.Labels[i]), confusion, exitCounts, run.AverageMacs);
    }
}
