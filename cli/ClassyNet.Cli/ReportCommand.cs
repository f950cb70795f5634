using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;

namespace ClassyNet.Cli;

/// <summary>
/// <c>classynet report</c>: the paper's evaluation for a set of models on one test set: exit distribution by class
/// (Fig. 6), latency and MACs against the share of a target class (Fig. 9, measured with batched early exit on this
/// machine), priority-class speedup over the baseline (Table II) and accuracy (Table III). Writes report.md, the figures
/// (PNG and SVG) and report.json. The data are read in batches (one streamed pass per model for accuracy, exits and
/// MACs); times come from small in-memory workloads run by all models in interleaved rounds (<see cref="InterleavedTimer"/>),
/// and a time speedup that disagrees with the MAC speedup beyond the timing spread is flagged (<see cref="TimeSpeedup"/>).
/// </summary>
internal static class ReportCommand
{
    /// <summary>
    /// Early-exit batch of the Fig. 6/9 report. 64, not 256: on the 2-core machine of docs/benchmarks.md ("Peak memory")
    /// batches of 64 ran the timed workloads at most 4 % slower and up to 24 % faster per sample than 256, and the
    /// report's peak resident set fell from 735-769 MB to 372-456 MB (issue 12's target is 500 MB).
    /// </summary>
    internal const int DefaultBatchSize = 64;

    public static Command Create(CliContext context)
    {
        var models = new Option<string[]>("--models") { Description = "Model bundles to compare, e.g. base.zip bn.zip cn.zip cnc.zip.", Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var names = new Option<string?>("--names") { Description = "Display names, comma separated (default: the models' modes: Baseline, BN, CN, CN+C)." };
        var baseline = new Option<string?>("--baseline") { Description = "Name or file of the reference model for speedups (default: the model trained with --mode baseline, else the first)." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn, csv or folder:ROOT (see 'train --help').", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file." };
        var split = new Option<string>("--split") { Description = "train, test or validation.", DefaultValueFactory = _ => "test" };
        var limit = CliParsing.OptionalInt("--limit", "Use only the first N samples.", 1000);
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV only: label column (default: as at training)." };
        var output = new Option<string>("--out") { Description = "Folder for report.md, report.json and the figures (PNG and SVG).", Required = true };
        var target = CliParsing.OptionalInt("--target-class", "Target class of the latency-vs-share figure, and with --edge-cloud the class that makes up --biased-share of the biased test set; also --priority-class (default: the first early exit's priority class).", 9);
        target.Aliases.Add("--priority-class");
        var priority = new Option<string?>("--priority-classes") { Description = "Priority classes per early exit for Table II, e.g. \"9;8\" (default: from the first Bag-of-Classes model)." };
        var shares = new Option<string>("--shares") { Description = "Target-class shares in percent for Fig. 9.", DefaultValueFactory = _ => "10,20,30,40,50,60,70,80,90" };
        var mixSize = new Option<int>("--mix-size") { Description = "Samples per timed workload: each Fig. 9 mix (drawn with repetition when a pool is smaller), each priority class, and the random sample timed for Table III; with --edge-cloud, the size of the uniform and of the biased test set.", DefaultValueFactory = _ => 1000 };
        var repeats = new Option<int>("--repeats") { Description = $"Timed rounds per workload (at least {InterleavedTimer.MinimumRepeats}); every model runs once per round, in a rotated order, after a warm-up round; min, median and max are reported.", DefaultValueFactory = _ => InterleavedTimer.MinimumRepeats };
        var batchSize = new Option<int>("--batch-size") { Description = $"Samples per early-exit batch (default {DefaultBatchSize}; with --edge-cloud {SplitReport.DefaultBatchSize}, the paper's batch, which is also the batch of the memory formula).", DefaultValueFactory = _ => DefaultBatchSize };
        var seed = new Option<int>("--seed") { Description = "Seed of the test mixes.", DefaultValueFactory = _ => 1 };
        var edgeCloud = new Option<bool>("--edge-cloud") { Description = "Instead of Figs. 6/9 and Tables II/III, write the Table IV analogue (report-split.md, .json, .png): for each device memory the exit that fits, and each model split there, measured end to end (edge part on ONNX Runtime, cloud part behind a gRPC service on 127.0.0.1, link emulated) on a uniform and a biased test set." };
        var rtt = new Option<double>("--rtt-ms") { Description = "--edge-cloud: round-trip time the link adds, in ms (half each way; the paper: about 200 ms per batch).", DefaultValueFactory = _ => SplitReport.DefaultRttMs };
        var bandwidth = new Option<string>("--bandwidth") { Description = "--edge-cloud: link bandwidth cap in each direction, e.g. 10Mbit/s, 1MB/s or unlimited.", DefaultValueFactory = _ => SplitReport.DefaultBandwidth };
        var biasedShare = new Option<double>("--biased-share") { Description = "--edge-cloud: share of the priority class (--priority-class) in the biased test set; the other classes share the rest evenly.", DefaultValueFactory = _ => SplitReport.DefaultBiasedShare };
        var budgets = new Option<string?>("--budgets") { Description = "--edge-cloud: device memories, e.g. 470KB,2.31MB (binary units; default the paper's 470KB,2.31MB,5.54MB,28.5MB,112MB)." };
        var memoryRule = new Option<string>("--memory-rule") { Description = "--edge-cloud: how an edge part is compared with a memory: paper (the paper's formula: weight tensors up to the exit x 4 bytes x batch), edge (the formula over every parameter of the edge part) or measured (stored bytes + activation peak measured on TorchSharp).", DefaultValueFactory = _ => "paper" };
        var pruned = new Option<string[]>("--pruned") { Description = "--edge-cloud: pruned baselines written by 'classynet prune --out' (whole network on the edge); each memory row shows, per method, the largest one that fits it by the paper's formula.", AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("report", "Reproduce the paper's evaluation for several models: exit distribution by class (Fig. 6), latency vs share of the target class (Fig. 9), priority-class speedup (Table II) and accuracy (Table III); with --edge-cloud, the edge/cloud split under device memories (Table IV).")
        {
            models, names, baseline, dataset, data, split, limit, labelColumn, output, target, priority, shares, mixSize, repeats, batchSize, seed,
            edgeCloud, rtt, bandwidth, biasedShare, budgets, memoryRule, pruned,
        };
        command.SetAction((r, _) =>
        {
            bool Given(Option option) => r.GetResult(option) is OptionResult { Implicit: false };
            void Refuse(IEnumerable<Option> options, string why)
            {
                if (options.FirstOrDefault(Given) is { } option)
                {
                    throw new CliException($"{option.Name} {why}");
                }
            }

            if (r.GetValue(edgeCloud))
            {
                Refuse([baseline, priority, shares, repeats], "applies to the Fig. 6/9 report, not to --edge-cloud.");
                return SplitReport.RunAsync(context, new SplitReport.Settings(
                    r.GetValue(models)!, r.GetValue(names), r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit), r.GetValue(labelColumn), r.GetValue(output)!,
                    Given(batchSize) ? r.GetValue(batchSize) : SplitReport.DefaultBatchSize, r.GetValue(mixSize), r.GetValue(seed), r.GetValue(rtt), r.GetValue(bandwidth)!, r.GetValue(target), r.GetValue(biasedShare),
                    r.GetValue(budgets), r.GetValue(memoryRule)!, r.GetValue(pruned) ?? []));
            }

            Refuse([rtt, bandwidth, biasedShare, budgets, memoryRule, pruned], "applies only with --edge-cloud (the Table IV analogue).");
            return Task.FromResult(Run(context, new Settings(
                r.GetValue(models)!, r.GetValue(names), r.GetValue(baseline), r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit), r.GetValue(labelColumn),
                r.GetValue(output)!, r.GetValue(target), r.GetValue(priority), r.GetValue(shares)!, r.GetValue(mixSize), r.GetValue(repeats), r.GetValue(batchSize), r.GetValue(seed))));
        });
        return command;
    }

    private static int Run(CliContext context, Settings s)
    {
        var o = context.Output;
        if (s.Models.Length == 0)
        {
            throw new CliException("--models needs at least one model bundle.");
        }

        CliParsing.Require(s.MixSize >= 10, "--mix-size", "a whole number >= 10", s.MixSize);
        CliParsing.Require(s.Repeats >= InterleavedTimer.MinimumRepeats, "--repeats", $">= {InterleavedTimer.MinimumRepeats} (min, median and max need several timed rounds)", s.Repeats);
        CliParsing.Require(s.BatchSize >= 1, "--batch-size", "a whole number >= 1", s.BatchSize);

        var shares = CliParsing.Ints(s.Shares, "--shares");
        if (shares.Any(p => p > 100))
        {
            throw new CliException($"--shares \"{s.Shares}\": shares are percentages in 1..100.");
        }

        var loaded = s.Models.Select(ModelData.LoadModel).ToList();
        var displayNames = Names(s, loaded);
        var first = loaded[0];
        var (test, description) = ModelData.Load(first, s.Models[0], s.Dataset, s.Data, s.Split, s.Limit, s.LabelColumn, o);
        for (int i = 1; i < loaded.Count; i++)
        {
            if (loaded[i].ClassCount != first.ClassCount || !loaded[i].InputShape.SequenceEqual(first.InputShape) && loaded[i].InputShape.Aggregate(1, (a, d) => a * d) != test.SampleSize)
            {
                throw new CliException($"Models '{s.Models[0]}' ({first.ClassCount} classes, input [{string.Join(", ", first.InputShape)}]) and '{s.Models[i]}' ({loaded[i].ClassCount} classes, input [{string.Join(", ", loaded[i].InputShape)}]) cannot be compared on the same data.");
            }
        }

        int baselineIndex = BaselineIndex(s, loaded, displayNames);
        var classNames = ModelData.ClassNames(first);
        int classes = first.ClassCount;
        var priorities = PriorityClasses(s.PriorityClasses, loaded, classes);
        int targetClass = s.TargetClass ?? (priorities.Count > 0 ? priorities[0].Class : 0);
        if (targetClass < 0 || targetClass >= classes)
        {
            throw new CliException($"--target-class {targetClass} is outside the {classes} classes (0..{classes - 1}).");
        }

        var targetPool = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == targetClass).ToArray();
        var otherPool = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] != targetClass).ToArray();
        if (targetPool.Length == 0 || otherPool.Length == 0)
        {
            throw new CliException($"The {description} needs samples of the target class {targetClass} and of other classes for the latency figure; it has {targetPool.Length} and {otherPool.Length}.");
        }

        o.Line($"Report on {description}: {string.Join(", ", displayNames)} (baseline: {displayNames[baselineIndex]}); target class {TargetName(targetClass, classNames)}; {Environment.ProcessorCount} threads.");
        int mixSize = MixSize(s, test.Count);
        var workloads = Workloads(test, priorities, shares, targetPool, otherPool, mixSize, s.Seed);
        var predictors = loaded.Select(m => m.CreatePredictor()).ToList();
        var evaluations = new StreamedRun[loaded.Count];
        var timings = new TimingStats[workloads.Count][];
        var workloadMacs = new double[workloads.Count][];
        o.WithProgress("report", sink =>
        {
            // Accuracy, exits and MACs: one streamed pass over the whole split per model (this also warms every model up).
            for (int i = 0; i < loaded.Count; i++)
            {
                string task = displayNames[i];
                evaluations[i] = StreamedRun.Run(loaded[i], predictors[i], test, s.BatchSize, context.Cancellation, done => sink.Report(task, done, test.Count, "evaluating"));
            }

            // Time: each workload held in memory and run by every model in interleaved rounds after a warm-up round.
            for (int w = 0; w < workloads.Count; w++)
            {
                sink.Report("timing", w, workloads.Count, workloads[w].Label);
                var raw = test.Gather(workloads[w].Indices);
                var prepared = loaded.Select(m => m.PrepareInputs(raw)).ToArray();
                var macs = new double[loaded.Count];
                var runs = Enumerable.Range(0, loaded.Count).Select(i => (Action)(() => macs[i] = loaded[i].PredictPrepared(prepared[i], s.BatchSize, predictors[i]).AverageMacs)).ToList();
                // Freed activations go back to the system after every run (untimed): without it glibc's arenas kept them and
                // the resident set grew to 1.46 GB over the workloads (docs/benchmarks.md, "Peak memory").
                timings[w] = [.. InterleavedTimer.System.Time(runs, raw.Count, warmups: 1, s.Repeats, context.Cancellation, NativeHeap.Trim)];
                workloadMacs[w] = macs;

                // The workload's arrays (its samples, once per model, normalised) are large-object-heap garbage now, which
                // only a full collection frees; without one they piled up across the workloads.
                raw = null;
                prepared = null;
                GC.Collect();
                NativeHeap.Trim();
            }

            sink.Report("timing", workloads.Count, workloads.Count, "done");
            return 0;
        });

        var results = Enumerable.Range(0, loaded.Count).Select(i => new ModelResult(
            displayNames[i], s.Models[i], loaded[i], evaluations[i].Evaluation, predictors[i].Accounting.Exits[^1].PrefixMacs,
            workloads.Select((_, w) => timings[w][i]).ToArray(), workloads.Select((_, w) => workloadMacs[w][i]).ToArray())).ToList();
        var report = new ReportData(s, description, results, results[baselineIndex], workloads, priorities, classNames, shares, targetClass, mixSize);

        Directory.CreateDirectory(s.Out);
        WriteFigures(report);
        File.WriteAllText(Path.Combine(s.Out, "report.md"), Markdown(report));
        EvaluateCommand.WriteJson(Path.Combine(s.Out, "report.json"), Json(report));

        var baselineResult = report.Baseline;
        o.Heading("Accuracy (Table III)");
        o.Table(null, ["model", "accuracy", "vs baseline", "avg MACs", "MAC speedup", "ms/sample median (min-max)", "time speedup (spread)"], results.Select(r => (IReadOnlyList<string>)
        [
            r.Name, CliOutput.Percent(r.Evaluation.Accuracy), Points(r.Evaluation.Accuracy - baselineResult.Evaluation.Accuracy),
            CliOutput.Macs(r.Evaluation.AverageMacs), CliOutput.Number(baselineResult.Evaluation.AverageMacs / r.Evaluation.AverageMacs) + "x",
            r.Timings[0].ToString(), report.TimeSpeedup(r, 0).ToString(),
        ]));
        if (priorities.Count > 0)
        {
            o.Heading("Priority-class speedup vs " + baselineResult.Name + " (Table II; MACs / measured time)");
            o.Table(null, ["class (exit)", .. results.Select(r => r.Name)], priorities.Select((p, c) => (IReadOnlyList<string>)
            [
                $"{CliOutput.ClassLabel(p.Class, classNames)} (exit {p.Exit + 1})",
                .. results.Select(r => $"{CliOutput.Number(MacSpeedup(baselineResult, r, p.Class))}x / {report.TimeSpeedup(r, 1 + c)}"),
            ]));
        }

        o.Line($"Times: median (min-max) of {s.Repeats} interleaved runs after a warm-up round; {report.FlagCount} time speedup(s) flagged.");
        if (report.FlagCount > 0)
        {
            o.Line(TimeSpeedup.FlagNote);
        }

        o.Line($"Wrote {Path.Combine(s.Out, "report.md")}, report.json and the figures {string.Join(", ", FigureFiles.Values.SelectMany(f => new[] { f + ".png", f + ".svg" }))}");
        return 0;
    }

    /// <summary>The figures' file names (without extension) by the paper's figure.</summary>
    private static readonly Dictionary<string, string> FigureFiles = new() { ["fig6"] = "exits", ["fig9Latency"] = "latency", ["fig9Macs"] = "macs" };

    private static void WriteFigures(ReportData r)
    {
        var s = r.Settings;
        int maxExits = r.Results.Max(m => m.Model.ExitCount);
        string title = $"{DatasetTitle(s.Dataset)} {s.Split} images leaving at each exit";
        string targetName = "class " + TargetName(r.Target, r.ClassNames);
        var xs = r.Shares.Select(p => (double)p).ToArray();
        var (macScale, macUnit) = CliOutput.MacUnit(r.Results.Max(m => r.MixIndices.Max(w => m.WorkloadMacs[w])));
        string macAxis = macUnit.Trim() switch { "G" => "billion MACs per sample", "M" => "million MACs per sample", "k" => "thousand MACs per sample", _ => "MACs per sample" };
        var figures = new Dictionary<string, Func<ReportFigure>>
        {
            ["fig6"] = () => ExitDistributionFigure.Render(r.Results.Select(m => (m.Name, Pad(m.Evaluation.ExitCounts(), maxExits))).ToList(), r.ClassNames, title),
            ["fig9Latency"] = () => LineChartFigure.Render(
                r.Results.Select(m => new LineSeries(m.Name, xs, r.MixIndices.Select(w => m.Timings[w].Median).ToArray(), r.MixIndices.Select(w => m.Timings[w].Min).ToArray(), r.MixIndices.Select(w => m.Timings[w].Max).ToArray())).ToList(),
                $"Latency vs share of {targetName}", $"share of {targetName} in the test mix", "ms per sample (batched early exit; median, min-max)", xTickSuffix: "%", xTicks: xs),
            ["fig9Macs"] = () => LineChartFigure.Render(
                r.Results.Select(m => new LineSeries(m.Name, xs, r.MixIndices.Select(w => m.WorkloadMacs[w] / macScale).ToArray())).ToList(),
                $"Average MACs vs share of {targetName}", $"share of {targetName} in the test mix", macAxis, xTickSuffix: "%", xTicks: xs),
        };
        foreach (var (key, render) in figures)
        {
            using var figure = render();
            figure.Save(Path.Combine(s.Out, FigureFiles[key] + ".png"));
            figure.Save(Path.Combine(s.Out, FigureFiles[key] + ".svg"));
        }
    }

    /// <summary>A model's entry in a report's JSON: what identifies the model (name, file, mode, architecture, exit classes, thresholds), then <paramref name="fields"/>.</summary>
    internal static Dictionary<string, object?> ModelJson(string name, string file, ClassyNetModel model, Dictionary<string, object?> fields)
    {
        var json = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["file"] = file,
            ["mode"] = model.Mode,
            ["architecture"] = model.Spec.ToString(),
            ["exitClasses"] = model.ExitClasses.ToString(),
            ["thresholds"] = model.Thresholds,
        };
        foreach (var (key, value) in fields)
        {
            json[key] = value;
        }

        return json;
    }

    private static string Markdown(ReportData r)
    {
        var s = r.Settings;
        var baseline = r.Baseline;
        var results = r.Results;
        var classNames = r.ClassNames;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# ClassyNet evaluation report");
        md.AppendLine();
        md.AppendLine(inv, $"Data: {r.Description}. Baseline for speedups: **{baseline.Name}**. Measured on this machine ({Environment.ProcessorCount} threads, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}) with batched early exit, batches of {s.BatchSize}.");
        md.AppendLine();
        md.AppendLine(inv, $"Accuracy, exits and MACs come from one pass of each model over all {results[0].Evaluation.Count} samples; MACs are exact counts from the layers' shapes. Times are measured on workloads held in memory ({r.MixSize} samples each: a random sample of the data, each priority class, each Fig. 9 mix): every model runs each workload once per round, in an order rotated each round (round robin), after one untimed warm-up round; {s.Repeats} timed rounds give the median and (min-max) in ms per sample. A time speedup is the baseline's median over the model's, with the spread (baseline min / model max - baseline max / model min); it is marked {TimeSpeedup.FlagMark} when the MAC speedup of the same samples lies outside that spread.");
        md.AppendLine();
        md.AppendLine("| model | file | mode | architecture | exit classes | thresholds |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in results)
        {
            md.AppendLine(inv, $"| {Cell(m.Name)} | `{Cell(Path.GetFileName(m.File))}` | {m.Model.Mode ?? "-"} | {Cell(m.Model.Spec.ToString())} | {Cell(m.Model.ExitClasses.ToString())} | {CliOutput.Thresholds(m.Model.Thresholds)} |");
        }

        md.AppendLine();
        md.AppendLine("## Accuracy (paper Table III)");
        md.AppendLine();
        md.AppendLine(inv, $"| model | accuracy | Δ vs baseline | avg MACs / sample | MAC speedup vs baseline | ms / sample, median (min-max) on {r.Workloads[0].Label} | time speedup (spread) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var m in results)
        {
            md.AppendLine(inv, $"| {Cell(m.Name)} | {CliOutput.Percent(m.Evaluation.Accuracy)} | {Points(m.Evaluation.Accuracy - baseline.Evaluation.Accuracy)} | {CliOutput.Macs(m.Evaluation.AverageMacs)} | {baseline.Evaluation.AverageMacs / m.Evaluation.AverageMacs:F2}x | {m.Timings[0]} | {r.TimeSpeedup(m, 0)} |");
        }

        md.AppendLine();
        md.AppendLine("## Priority-class speedup (paper Table II)");
        md.AppendLine();
        if (r.Priorities.Count == 0)
        {
            md.AppendLine("No model has Bag-of-Classes exits and no --priority-classes were given, so there are no priority classes to report.");
        }
        else
        {
            md.AppendLine("Speedup for each priority class's test samples: the baseline's average MACs for that class over the model's, and the baseline's measured time per sample over the model's (median, spread).");
            md.AppendLine();
            md.AppendLine("| priority class (exit) | " + string.Join(" | ", results.Select(m => $"{Cell(m.Name)} MACs | {Cell(m.Name)} time")) + " |");
            md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|---|")));
            for (int c = 0; c < r.Priorities.Count; c++)
            {
                var (cls, exit) = r.Priorities[c];
                md.Append(inv, $"| {Cell(CliOutput.ClassLabel(cls, classNames))} (exit {exit + 1}) |");
                foreach (var m in results)
                {
                    md.Append(inv, $" {CliOutput.Number(MacSpeedup(baseline, m, cls))}x | {r.TimeSpeedup(m, 1 + c)} |");
                }

                md.AppendLine();
            }
        }

        md.AppendLine();
        md.AppendLine(r.FlagCount == 0
            ? "No time speedup disagrees with its MAC speedup by more than the spread of the timings."
            : $"{r.FlagCount} time speedup(s) marked. {TimeSpeedup.FlagNote}");
        md.AppendLine();
        md.AppendLine("## Exit distribution by class (paper Fig. 6)");
        md.AppendLine();
        md.AppendLine("![exit distribution by class](exits.png)");
        foreach (var m in results)
        {
            md.AppendLine();
            md.AppendLine($"### {m.Name}");
            md.AppendLine();
            if (m.Model.Mode == "baseline" && m.Model.ExitCount > 1)
            {
                md.AppendLine("The baseline trains only its final exit; its early exits are untrained and disabled (threshold 0), so every sample leaves at the last exit.");
                md.AppendLine();
            }

            md.AppendLine("| class | " + string.Join(" | ", Enumerable.Range(1, m.Model.ExitCount).Select(e => $"exit {e}")) + " |");
            md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", m.Model.ExitCount)));
            for (int k = 0; k < classNames.Count; k++)
            {
                md.AppendLine($"| {Cell(CliOutput.ClassLabel(k, classNames))} | " + string.Join(" | ", Enumerable.Range(0, m.Model.ExitCount).Select(e => $"{m.Evaluation.ExitCountOf(k, e)} ({CliOutput.Percent(m.Evaluation.ExitRate(k, e))})")) + " |");
            }
        }

        md.AppendLine();
        md.AppendLine(inv, $"## Latency vs share of the target class (paper Fig. 9)");
        md.AppendLine();
        md.AppendLine(inv, $"Test mixes of {r.MixSize} samples with class {Cell(TargetName(r.Target, classNames))} making up {string.Join(", ", r.Shares)}% of the samples (seed {s.Seed}); each model runs batched early exit over the whole mix, timed as above.");
        md.AppendLine();
        md.AppendLine("![latency vs share](latency.png)");
        md.AppendLine();
        md.AppendLine("| share | " + string.Join(" | ", results.Select(m => $"{Cell(m.Name)} ms/sample, median (min-max)")) + " |");
        md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
        for (int p = 0; p < r.Shares.Length; p++)
        {
            md.Append(inv, $"| {r.Shares[p]}% | ").AppendLine(string.Join(" | ", results.Select(m => m.Timings[r.MixIndices[p]].ToString())) + " |");
        }

        md.AppendLine();
        md.AppendLine("![MACs vs share](macs.png)");
        md.AppendLine();
        var (macScale, macUnit) = CliOutput.MacUnit(results.Max(m => r.MixIndices.Max(w => m.WorkloadMacs[w])));
        md.AppendLine("| share | " + string.Join(" | ", results.Select(m => $"{Cell(m.Name)} MACs/sample{(macUnit.Length > 0 ? $" ({macUnit.Trim()})" : string.Empty)}")) + " |");
        md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
        for (int p = 0; p < r.Shares.Length; p++)
        {
            md.Append(inv, $"| {r.Shares[p]}% | ").AppendLine(string.Join(" | ", results.Select(m => (m.WorkloadMacs[r.MixIndices[p]] / macScale).ToString(macScale == 1 ? "F0" : "F3", inv))) + " |");
        }

        md.AppendLine();
        md.AppendLine("Figures are also written as SVG (exits.svg, latency.svg, macs.svg).");
        return md.ToString();
    }

    private static Dictionary<string, object?> Json(ReportData r)
    {
        static double? N(double v) => EvaluateCommand.JsonNumber(v);
        static Dictionary<string, object?> Timing(TimingStats t) => new() { ["msPerSampleMedian"] = N(t.Median), ["msPerSampleMin"] = N(t.Min), ["msPerSampleMax"] = N(t.Max), ["runs"] = t.Runs };
        static Dictionary<string, object?> Speedup(TimeSpeedup t) => new() { ["median"] = N(t.Median), ["low"] = N(t.Low), ["high"] = N(t.High), ["macSpeedupOfTheseSamples"] = N(t.MacSpeedup), ["flagged"] = t.Disagrees };
        var s = r.Settings;
        var baseline = r.Baseline;
        return new Dictionary<string, object?>
        {
            ["data"] = r.Description,
            ["dataset"] = DataSource.Normalize(s.Dataset),
            ["split"] = s.Split,
            ["count"] = r.Results[0].Evaluation.Count,
            ["classNames"] = r.ClassNames,
            ["baseline"] = baseline.Name,
            ["machine"] = new Dictionary<string, object> { ["threads"] = Environment.ProcessorCount, ["os"] = RuntimeInformation.OSDescription, ["runtime"] = RuntimeInformation.FrameworkDescription, ["batchSize"] = s.BatchSize, ["repeats"] = s.Repeats },
            ["timing"] = new Dictionary<string, object?>
            {
                ["method"] = "interleaved rounds (order rotated each round) after one untimed warm-up round; median, min and max of the timed rounds",
                ["repeats"] = s.Repeats,
                ["samplesPerWorkload"] = r.MixSize,
                ["workloads"] = r.Workloads.Select(w => w.Label).ToArray(),
                ["flagged"] = r.FlagCount,
            },
            ["models"] = r.Results.Select(m => ModelJson(m.Name, m.File, m.Model, new()
            {
                ["accuracy"] = m.Evaluation.Accuracy,
                ["accuracyDeltaVsBaseline"] = m.Evaluation.Accuracy - baseline.Evaluation.Accuracy,
                ["averageMacs"] = m.Evaluation.AverageMacs,
                ["macSpeedupVsBaseline"] = N(baseline.Evaluation.AverageMacs / m.Evaluation.AverageMacs),
                ["fullNetworkMacs"] = m.FullMacs,
                ["msPerSample"] = N(m.Timings[0].Median),
                ["timing"] = Timing(m.Timings[0]),
                ["timeSpeedupVsBaseline"] = Speedup(r.TimeSpeedup(m, 0)),
                ["earlyExitsTrained"] = m.Model.Mode != "baseline",
                ["exitCounts"] = m.Evaluation.ExitCountRows(),
                ["exitRates"] = m.Evaluation.ExitRates(),
                ["classRecall"] = m.Evaluation.ClassRecall().Select(N).ToArray(),
                ["classAverageMacs"] = m.Evaluation.ClassAverageMacs.Select(N).ToArray(),
                ["confusionMatrix"] = m.Evaluation.ConfusionMatrix(),
            })).ToArray(),
            ["table2"] = r.Priorities.Select((p, c) => new Dictionary<string, object?>
            {
                ["class"] = p.Class,
                ["className"] = r.ClassNames[p.Class],
                ["exit"] = p.Exit + 1,
                ["models"] = r.Results.ToDictionary(m => m.Name, m => (object?)new Dictionary<string, object?>
                {
                    ["averageMacs"] = N(m.Evaluation.ClassAverageMacs[p.Class]),
                    ["macSpeedup"] = N(MacSpeedup(baseline, m, p.Class)),
                    ["msPerSample"] = N(m.Timings[1 + c].Median),
                    ["timing"] = Timing(m.Timings[1 + c]),
                    ["timeSpeedup"] = N(r.TimeSpeedup(m, 1 + c).Median),
                    ["timeSpeedupDetail"] = Speedup(r.TimeSpeedup(m, 1 + c)),
                }),
            }).ToArray(),
            ["fig9"] = new Dictionary<string, object?>
            {
                ["targetClass"] = r.Target,
                ["targetClassName"] = r.ClassNames[r.Target],
                ["sharesPercent"] = r.Shares,
                ["mixSize"] = r.MixSize,
                ["seed"] = s.Seed,
                ["series"] = r.Results.Select(m => new Dictionary<string, object?>
                {
                    ["model"] = m.Name,
                    ["msPerSample"] = r.MixIndices.Select(w => m.Timings[w].Median).ToArray(),
                    ["msPerSampleMin"] = r.MixIndices.Select(w => m.Timings[w].Min).ToArray(),
                    ["msPerSampleMax"] = r.MixIndices.Select(w => m.Timings[w].Max).ToArray(),
                    ["macsPerSample"] = r.MixIndices.Select(w => m.WorkloadMacs[w]).ToArray(),
                }).ToArray(),
            },
            ["figures"] = FigureFiles.ToDictionary(f => f.Key, f => new[] { f.Value + ".png", f.Value + ".svg" }),
        };
    }

    private static double MacSpeedup(ModelResult baseline, ModelResult model, int cls) =>
        baseline.Evaluation.ClassAverageMacs[cls] / model.Evaluation.ClassAverageMacs[cls];

    private static int MixSize(Settings s, int testCount) => Math.Min(s.MixSize, Math.Max(testCount, 10));

    /// <summary>"9 (Ankle boot)", or "3" when the class name is its index.</summary>
    internal static string TargetName(int target, IReadOnlyList<string> classNames)
    {
        string label = CliOutput.ClassLabel(target, classNames);
        int space = label.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? label : $"{label[..space]} ({label[(space + 1)..]})";
    }

    /// <summary>Text for a Markdown table cell: '|' would end the cell, so it is escaped; line breaks become spaces.</summary>
    internal static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static string Points(double delta) => (delta * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " pt";

    internal static string DatasetTitle(string dataset) => DataSource.Normalize(dataset) switch
    {
        "fashion-mnist" => "Fashion-MNIST",
        "cifar10" => "CIFAR-10",
        "svhn" => "SVHN",
        var name when name.StartsWith(ImageFolderDataset.Prefix, StringComparison.Ordinal) => $"Images in {name[ImageFolderDataset.Prefix.Length..]}",
        _ => "CSV",
    };

    private static string[] Names(Settings s, List<ClassyNetModel> models) => Names(s.Names, s.Models, models);

    /// <summary>Display names: <paramref name="text"/> (--names, comma separated) or the models' modes, made distinct with their file names.</summary>
    internal static string[] Names(string? text, IReadOnlyList<string> files, List<ClassyNetModel> models)
    {
        if (text is not null)
        {
            var given = text.Split(',').Select(n => n.Trim()).ToArray();
            if (given.Length != models.Count || given.Any(string.IsNullOrEmpty) || given.Distinct().Count() != given.Length)
            {
                throw new CliException($"--names \"{text}\" must give {models.Count} distinct non-empty names, one per model.");
            }

            return given;
        }

        var names = models.Select(m => CliParsing.ModeLabel(m.Mode)).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            if (names.Count(n => n == names[i]) > 1)
            {
                names[i] = $"{names[i]} ({Path.GetFileNameWithoutExtension(files[i])})";
            }
        }

        return names;
    }

    private static int BaselineIndex(Settings s, List<ClassyNetModel> models, string[] names)
    {
        if (s.Baseline is not null)
        {
            int byName = Array.FindIndex(names, n => n.Equals(s.Baseline, StringComparison.OrdinalIgnoreCase));
            int byFile = Array.FindIndex(s.Models, m => m == s.Baseline || Path.GetFileName(m) == s.Baseline);
            return byName >= 0 ? byName : byFile >= 0 ? byFile : throw new CliException($"--baseline '{s.Baseline}' is neither a model name ({string.Join(", ", names)}) nor one of the --models files.");
        }

        int index = models.FindIndex(m => m.Mode == "baseline");
        return index >= 0 ? index : 0;
    }

    internal static List<(int Class, int Exit)> PriorityClasses(string? text, List<ClassyNetModel> models, int classes)
    {
        var result = new List<(int, int)>();
        if (text is not null)
        {
            var groups = CliParsing.ExitClasses(text, classes, "--priority-classes");
            for (int m = 0; m < groups.Length; m++)
            {
                result.AddRange(groups[m].Select(c => (c, m)));
            }

            return result;
        }

        var source = models.FirstOrDefault(m => m.ExitClasses.UsesBagOfClasses) ?? models.FirstOrDefault(m => m.ExitClasses.Scheme != ExitClassScheme.AllClasses);
        if (source is null)
        {
            return result;
        }

        var seen = new HashSet<int>();
        for (int m = 0; m < source.ExitCount - 1; m++)
        {
            foreach (int c in source.ExitClasses.ClassesAt(m))
            {
                if (seen.Add(c))
                {
                    result.Add((c, m));
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The timed workloads, in this order: a random sample of the data (Table III), each priority class's samples
    /// (Table II; the first <paramref name="size"/> of the class), and one mix per share (Fig. 9).
    /// </summary>
    private static List<Workload> Workloads(SampleSource test, List<(int Class, int Exit)> priorities, int[] shares, int[] targetPool, int[] otherPool, int size, int seed)
    {
        var rng = new Random(seed);
        var all = Enumerable.Range(0, test.Count).ToArray();
        rng.Shuffle(all);
        var workloads = new List<Workload> { new($"{size} random samples", all[..Math.Min(size, all.Length)]) };
        foreach (var (cls, _) in priorities)
        {
            var members = Enumerable.Range(0, test.Count).Where(j => test.Labels[j] == cls).Take(size).ToArray();
            if (members.Length == 0)
            {
                throw new CliException($"Priority class {cls} has no samples in the data, so its speedup (Table II) cannot be measured; pass --priority-classes with classes the data holds.");
            }

            workloads.Add(new($"class {cls} ({members.Length} samples)", members));
        }

        workloads.AddRange(shares.Select(p => new Workload($"{p}% mix", Mix(targetPool, otherPool, p, size, seed))));
        return workloads;
    }

    /// <summary>Indices of a test mix of <paramref name="size"/> samples, <paramref name="percent"/>% of them from the target pool (drawn with repetition when a pool is smaller).</summary>
    private static int[] Mix(int[] targetPool, int[] otherPool, int percent, int size, int seed)
    {
        var rng = new Random(seed * 1000 + percent);
        int targets = (int)Math.Round(size * percent / 100.0);
        var t = targetPool.OrderBy(_ => rng.Next()).ToArray();
        var others = otherPool.OrderBy(_ => rng.Next()).ToArray();
        return Enumerable.Range(0, targets).Select(i => t[i % t.Length])
            .Concat(Enumerable.Range(0, size - targets).Select(i => others[i % others.Length]))
            .OrderBy(_ => rng.Next()).ToArray();
    }

    private static int[,] Pad(int[,] counts, int exits)
    {
        var result = new int[counts.GetLength(0), exits];
        for (int k = 0; k < counts.GetLength(0); k++)
        {
            for (int e = 0; e < counts.GetLength(1); e++)
            {
                result[k, e] = counts[k, e];
            }
        }

        return result;
    }

    private sealed record Settings(
        string[] Models, string? Names, string? Baseline, string Dataset, string? Data, string Split, int? Limit, string? LabelColumn, string Out,
        int? TargetClass, string? PriorityClasses, string Shares, int MixSize, int Repeats, int BatchSize, int Seed);

    /// <summary>A timed workload: a label for tables and the test samples it runs.</summary>
    private sealed record Workload(string Label, int[] Indices);

    /// <summary>One model's numbers: the full evaluation, and per workload (see <see cref="Workloads"/>) its timings and average MACs.</summary>
    private sealed record ModelResult(string Name, string File, ClassyNetModel Model, EarlyExitEvaluation Evaluation, long FullMacs, TimingStats[] Timings, double[] WorkloadMacs);

    /// <summary>Everything the report writes.</summary>
    private sealed record ReportData(
        Settings Settings, string Description, List<ModelResult> Results, ModelResult Baseline, List<Workload> Workloads, List<(int Class, int Exit)> Priorities,
        IReadOnlyList<string> ClassNames, int[] Shares, int Target, int MixSize)
    {
        /// <summary>Positions of the Fig. 9 mixes in <see cref="Workloads"/>.</summary>
        public int[] MixIndices { get; } = Enumerable.Range(1 + Priorities.Count, Shares.Length).ToArray();

        /// <summary>Time speedups (Table III and II) that disagree with their MAC speedups.</summary>
        public int FlagCount => Results.Sum(m => Enumerable.Range(0, 1 + Priorities.Count).Count(w => TimeSpeedup(m, w).Disagrees));

        /// <summary>The measured speedup of <paramref name="model"/> over the baseline on workload <paramref name="workload"/>, checked against the MACs of the same samples.</summary>
        public TimeSpeedup TimeSpeedup(ModelResult model, int workload) =>
            Cli.TimeSpeedup.Of(Baseline.Timings[workload], model.Timings[workload], Baseline.WorkloadMacs[workload] / model.WorkloadMacs[workload]);
    }
}
