using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Evaluation;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;

namespace ClassyNet.Cli;

/// <summary>
/// <c>classynet report</c>: the paper's evaluation for a set of models on one test set: exit distribution by class
/// (Fig. 6), latency and MACs against the share of a target class (Fig. 9, measured with batched early exit on this
/// machine), priority-class speedup over the baseline (Table II) and accuracy (Table III). Writes report.md, the SVG
/// figures and report.json.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var models = new Option<string[]>("--models") { Description = "Model bundles to compare, e.g. base.zip bn.zip cn.zip cnc.zip.", Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var names = new Option<string?>("--names") { Description = "Display names, comma separated (default: the models' modes: Baseline, BN, CN, CN+C)." };
        var baseline = new Option<string?>("--baseline") { Description = "Name or file of the reference model for speedups (default: the model trained with --mode baseline, else the first)." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn, csv or folder:ROOT (see 'train --help').", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file." };
        var split = new Option<string>("--split") { Description = "train, test or validation.", DefaultValueFactory = _ => "test" };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N samples." };
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV only: label column (default: as at training)." };
        var output = new Option<string>("--out") { Description = "Folder for report.md, report.json and the SVG figures.", Required = true };
        var target = new Option<int?>("--target-class") { Description = "Target class of the latency-vs-share figure (default: the first early exit's priority class)." };
        var priority = new Option<string?>("--priority-classes") { Description = "Priority classes per early exit for Table II, e.g. \"9;8\" (default: from the first Bag-of-Classes model)." };
        var shares = new Option<string>("--shares") { Description = "Target-class shares in percent for Fig. 9.", DefaultValueFactory = _ => "10,20,30,40,50,60,70,80,90" };
        var mixSize = new Option<int>("--mix-size") { Description = "Samples per test mix in Fig. 9 (drawn with repetition when a pool is smaller).", DefaultValueFactory = _ => 1000 };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per measurement; the fastest counts.", DefaultValueFactory = _ => 3 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per early-exit batch.", DefaultValueFactory = _ => 256 };
        var seed = new Option<int>("--seed") { Description = "Seed of the test mixes.", DefaultValueFactory = _ => 1 };
        var command = new Command("report", "Reproduce the paper's evaluation for several models: exit distribution by class (Fig. 6), latency vs share of the target class (Fig. 9), priority-class speedup (Table II) and accuracy (Table III).")
        {
            models, names, baseline, dataset, data, split, limit, labelColumn, output, target, priority, shares, mixSize, repeats, batchSize, seed,
        };
        command.SetAction(r => Run(context, new Settings(
            r.GetValue(models)!, r.GetValue(names), r.GetValue(baseline), r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit), r.GetValue(labelColumn),
            r.GetValue(output)!, r.GetValue(target), r.GetValue(priority), r.GetValue(shares)!, r.GetValue(mixSize), r.GetValue(repeats), r.GetValue(batchSize), r.GetValue(seed))));
        return command;
    }

    private static int Run(CliContext context, Settings s)
    {
        var o = context.Output;
        if (s.Models.Length == 0)
        {
            throw new CliException("--models needs at least one model bundle.");
        }

        if (s.MixSize < 10 || s.Repeats < 1 || s.BatchSize < 1)
        {
            throw new CliException($"--mix-size must be >= 10 ({s.MixSize}), --repeats >= 1 ({s.Repeats}) and --batch-size >= 1 ({s.BatchSize}).");
        }

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
        var results = new List<ModelResult>();
        var mixes = shares.Select(p => Mix(test, targetPool, otherPool, p, MixSize(s, test.Count), s.Seed)).ToList();
        o.WithProgress("report", sink =>
        {
            // Warm every model up (JIT, buffer pools) before anything is timed, so the first model is not penalised.
            var predictors = loaded.Select(m => m.CreatePredictor()).ToList();
            var preparedSets = loaded.Select(m => m.PrepareInputs(test)).ToList();
            for (int i = 0; i < loaded.Count; i++)
            {
                Warm(loaded[i], predictors[i], preparedSets[i], s.BatchSize);
            }

            for (int i = 0; i < loaded.Count; i++)
            {
                var model = loaded[i];
                var predictor = predictors[i];
                var prepared = preparedSets[i];
                sink.Report(displayNames[i], 0, 3, "full test set");
                // The evaluated run is also the first timed one; --repeats - 1 more runs may beat it.
                var watch = Stopwatch.StartNew();
                var run = model.PredictPrepared(prepared, s.BatchSize, predictor);
                double msPerSample = watch.Elapsed.TotalMilliseconds / prepared.Count;
                if (s.Repeats > 1)
                {
                    msPerSample = Math.Min(msPerSample, TimeBest(model, predictor, prepared, s.BatchSize, s.Repeats - 1, context.Cancellation).MsPerSample);
                }
                var eval = EarlyExitEvaluation.Compute(test.Labels, run, classes);
                context.Cancellation.ThrowIfCancellationRequested();

                sink.Report(displayNames[i], 1, 3, "priority classes");
                var classLatency = new Dictionary<int, double>();
                foreach (var (cls, _) in priorities)
                {
                    var subset = prepared.Subset(Enumerable.Range(0, test.Count).Where(j => test.Labels[j] == cls).ToArray());
                    classLatency[cls] = subset.Count == 0 ? double.NaN : TimeBest(model, predictor, subset, s.BatchSize, s.Repeats, context.Cancellation).MsPerSample;
                }

                sink.Report(displayNames[i], 2, 3, "target-class mixes");
                var mixLatency = new double[shares.Length];
                var mixMacs = new double[shares.Length];
                for (int p = 0; p < shares.Length; p++)
                {
                    context.Cancellation.ThrowIfCancellationRequested();
                    var (ms, macs) = TimeBest(model, predictor, model.PrepareInputs(mixes[p]), s.BatchSize, s.Repeats, context.Cancellation);
                    mixLatency[p] = ms;
                    mixMacs[p] = macs;
                }

                sink.Report(displayNames[i], 3, 3, "done");
                results.Add(new ModelResult(displayNames[i], s.Models[i], model, eval, msPerSample, predictor.Accounting.Exits[^1].PrefixMacs, classLatency, mixLatency, mixMacs));
            }

            return 0;
        });

        Directory.CreateDirectory(s.Out);
        var baselineResult = results[baselineIndex];
        int maxExits = results.Max(r => r.Model.ExitCount);
        string title = $"{DatasetTitle(s.Dataset)} {s.Split} images leaving at each exit";
        ExitDistributionFigure.Render(results.Select(r => (r.Name, Pad(r.Evaluation.ExitCounts(), maxExits))).ToList(), classNames, title).Save(Path.Combine(s.Out, "exits.svg"));
        string targetName = "class " + TargetName(targetClass, classNames);
        var xs = shares.Select(p => (double)p).ToArray();
        LineChartFigure.Render(results.Select(r => new LineSeries(r.Name, xs, r.MixLatencyMs)).ToList(), $"Latency vs share of {targetName}", $"share of {targetName} in the test mix", "ms per sample (batched early exit)", xTickSuffix: "%")
            .Save(Path.Combine(s.Out, "latency.svg"));
        var (figScale, figUnit) = CliOutput.MacUnit(results.Max(r => r.MixMacs.Max()));
        string macAxis = figUnit.Trim() switch { "G" => "billion MACs per sample", "M" => "million MACs per sample", "k" => "thousand MACs per sample", _ => "MACs per sample" };
        LineChartFigure.Render(results.Select(r => new LineSeries(r.Name, xs, r.MixMacs.Select(m => m / figScale).ToArray())).ToList(), $"Average MACs vs share of {targetName}", $"share of {targetName} in the test mix", macAxis, xTickSuffix: "%")
            .Save(Path.Combine(s.Out, "macs.svg"));

        File.WriteAllText(Path.Combine(s.Out, "report.md"), Markdown(s, description, results, baselineResult, priorities, classNames, shares, targetClass));
        EvaluateCommand.WriteJson(Path.Combine(s.Out, "report.json"), Json(s, description, results, baselineResult, priorities, classNames, shares, targetClass));

        o.Heading("Accuracy (Table III)");
        o.Table(null, ["model", "accuracy", "vs baseline", "avg MACs", "MAC speedup", "ms/sample"], results.Select(r => (IReadOnlyList<string>)
        [
            r.Name, CliOutput.Percent(r.Evaluation.Accuracy), Points(r.Evaluation.Accuracy - baselineResult.Evaluation.Accuracy),
            CliOutput.Macs(r.Evaluation.AverageMacs), CliOutput.Number(baselineResult.Evaluation.AverageMacs / r.Evaluation.AverageMacs) + "x", CliOutput.Number(r.MsPerSample, "F3"),
        ]));
        if (priorities.Count > 0)
        {
            o.Heading("Priority-class speedup vs " + baselineResult.Name + " (Table II; MACs / measured time)");
            o.Table(null, ["class (exit)", .. results.Select(r => r.Name)], priorities.Select(p => (IReadOnlyList<string>)
            [
                $"{CliOutput.ClassLabel(p.Class, classNames)} (exit {p.Exit + 1})",
                .. results.Select(r => $"{CliOutput.Number(MacSpeedup(baselineResult, r, p.Class))}x / {CliOutput.Number(baselineResult.ClassLatencyMs[p.Class] / r.ClassLatencyMs[p.Class])}x"),
            ]));
        }

        o.Line($"Wrote {Path.Combine(s.Out, "report.md")}, report.json, exits.svg, latency.svg and macs.svg");
        return 0;
    }

    private static string Markdown(Settings s, string description, List<ModelResult> results, ModelResult baseline, List<(int Class, int Exit)> priorities, IReadOnlyList<string> classNames, int[] shares, int target)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("# ClassyNet evaluation report");
        md.AppendLine();
        md.AppendLine(inv, $"Data: {description}. Baseline for speedups: **{baseline.Name}**. Measured on this machine ({Environment.ProcessorCount} threads, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}) with batched early exit, batches of {s.BatchSize}, fastest of {s.Repeats} runs.");
        md.AppendLine();
        md.AppendLine("| model | file | mode | architecture | exit classes | thresholds |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {Cell(r.Name)} | `{Cell(Path.GetFileName(r.File))}` | {r.Model.Mode ?? "-"} | {Cell(r.Model.Spec.ToString())} | {Cell(r.Model.ExitClasses.ToString())} | {CliParsing.Format(r.Model.Thresholds)} |");
        }

        md.AppendLine();
        md.AppendLine("## Accuracy (paper Table III)");
        md.AppendLine();
        md.AppendLine("| model | accuracy | Δ vs baseline | avg MACs / sample | MAC speedup vs baseline | measured ms / sample |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {Cell(r.Name)} | {CliOutput.Percent(r.Evaluation.Accuracy)} | {Points(r.Evaluation.Accuracy - baseline.Evaluation.Accuracy)} | {CliOutput.Macs(r.Evaluation.AverageMacs)} | {baseline.Evaluation.AverageMacs / r.Evaluation.AverageMacs:F2}x | {r.MsPerSample:F3} |");
        }

        md.AppendLine();
        md.AppendLine("## Priority-class speedup (paper Table II)");
        md.AppendLine();
        if (priorities.Count == 0)
        {
            md.AppendLine("No model has Bag-of-Classes exits and no --priority-classes were given, so there are no priority classes to report.");
        }
        else
        {
            md.AppendLine("Speedup of each priority class's test samples: the baseline's average MACs (or measured time per sample) for that class divided by the model's.");
            md.AppendLine();
            md.AppendLine("| priority class (exit) | " + string.Join(" | ", results.Select(r => $"{Cell(r.Name)} MACs | {Cell(r.Name)} time")) + " |");
            md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|---|")));
            foreach (var (cls, exit) in priorities)
            {
                md.Append(inv, $"| {Cell(CliOutput.ClassLabel(cls, classNames))} (exit {exit + 1}) |");
                foreach (var r in results)
                {
                    md.Append(inv, $" {CliOutput.Number(MacSpeedup(baseline, r, cls))}x | {CliOutput.Number(baseline.ClassLatencyMs[cls] / r.ClassLatencyMs[cls])}x |");
                }

                md.AppendLine();
            }
        }

        md.AppendLine();
        md.AppendLine("## Exit distribution by class (paper Fig. 6)");
        md.AppendLine();
        md.AppendLine("![exit distribution by class](exits.svg)");
        foreach (var r in results)
        {
            md.AppendLine();
            md.AppendLine($"### {r.Name}");
            md.AppendLine();
            md.AppendLine("| class | " + string.Join(" | ", Enumerable.Range(1, r.Model.ExitCount).Select(e => $"exit {e}")) + " |");
            md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", r.Model.ExitCount)));
            for (int k = 0; k < classNames.Count; k++)
            {
                md.AppendLine($"| {Cell(CliOutput.ClassLabel(k, classNames))} | " + string.Join(" | ", Enumerable.Range(0, r.Model.ExitCount).Select(e => $"{r.Evaluation.ExitCountOf(k, e)} ({CliOutput.Percent(r.Evaluation.ExitRate(k, e))})")) + " |");
            }
        }

        md.AppendLine();
        int mixSize = MixSize(s, results[0].Evaluation.Count);
        md.AppendLine(inv, $"## Latency vs share of the target class (paper Fig. 9)");
        md.AppendLine();
        md.AppendLine(inv, $"Test mixes of {mixSize} samples with class {Cell(TargetName(target, classNames))} making up {string.Join(", ", shares)}% of the samples (seed {s.Seed}); each model runs batched early exit over the whole mix, fastest of {s.Repeats} runs.");
        md.AppendLine();
        md.AppendLine("![latency vs share](latency.svg)");
        md.AppendLine();
        md.AppendLine("| share | " + string.Join(" | ", results.Select(r => $"{Cell(r.Name)} ms/sample")) + " |");
        md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
        for (int p = 0; p < shares.Length; p++)
        {
            md.Append(inv, $"| {shares[p]}% | ").AppendLine(string.Join(" | ", results.Select(r => r.MixLatencyMs[p].ToString("F4", inv))) + " |");
        }

        md.AppendLine();
        md.AppendLine("![MACs vs share](macs.svg)");
        md.AppendLine();
        var (macScale, macUnit) = CliOutput.MacUnit(results.Max(r => r.MixMacs.Max()));
        md.AppendLine("| share | " + string.Join(" | ", results.Select(r => $"{Cell(r.Name)} MACs/sample{(macUnit.Length > 0 ? $" ({macUnit.Trim()})" : string.Empty)}")) + " |");
        md.AppendLine("|---|" + string.Concat(results.Select(_ => "---|")));
        for (int p = 0; p < shares.Length; p++)
        {
            md.Append(inv, $"| {shares[p]}% | ").AppendLine(string.Join(" | ", results.Select(r => (r.MixMacs[p] / macScale).ToString(macScale == 1 ? "F0" : "F3", inv))) + " |");
        }

        return md.ToString();
    }

    private static Dictionary<string, object?> Json(Settings s, string description, List<ModelResult> results, ModelResult baseline, List<(int Class, int Exit)> priorities, IReadOnlyList<string> classNames, int[] shares, int target)
    {
        static double? N(double v) => EvaluateCommand.JsonNumber(v);
        return new Dictionary<string, object?>
        {
            ["data"] = description,
            ["dataset"] = DataSource.Normalize(s.Dataset),
            ["split"] = s.Split,
            ["count"] = results[0].Evaluation.Count,
            ["classNames"] = classNames,
            ["baseline"] = baseline.Name,
            ["machine"] = new Dictionary<string, object> { ["threads"] = Environment.ProcessorCount, ["os"] = RuntimeInformation.OSDescription, ["runtime"] = RuntimeInformation.FrameworkDescription, ["batchSize"] = s.BatchSize, ["repeats"] = s.Repeats },
            ["models"] = results.Select(r => new Dictionary<string, object?>
            {
                ["name"] = r.Name,
                ["file"] = r.File,
                ["mode"] = r.Model.Mode,
                ["architecture"] = r.Model.Spec.ToString(),
                ["exitClasses"] = r.Model.ExitClasses.ToString(),
                ["thresholds"] = r.Model.Thresholds,
                ["accuracy"] = r.Evaluation.Accuracy,
                ["accuracyDeltaVsBaseline"] = r.Evaluation.Accuracy - baseline.Evaluation.Accuracy,
                ["averageMacs"] = r.Evaluation.AverageMacs,
                ["macSpeedupVsBaseline"] = N(baseline.Evaluation.AverageMacs / r.Evaluation.AverageMacs),
                ["fullNetworkMacs"] = r.FullMacs,
                ["msPerSample"] = r.MsPerSample,
                ["exitCounts"] = r.Evaluation.ExitCountRows(),
                ["exitRates"] = r.Evaluation.ExitRates(),
                ["classRecall"] = r.Evaluation.ClassRecall().Select(N).ToArray(),
                ["classAverageMacs"] = r.Evaluation.ClassAverageMacs.Select(N).ToArray(),
                ["confusionMatrix"] = r.Evaluation.ConfusionMatrix(),
            }).ToArray(),
            ["table2"] = priorities.Select(p => new Dictionary<string, object?>
            {
                ["class"] = p.Class,
                ["className"] = classNames[p.Class],
                ["exit"] = p.Exit + 1,
                ["models"] = results.ToDictionary(r => r.Name, r => (object?)new Dictionary<string, object?>
                {
                    ["averageMacs"] = N(r.Evaluation.ClassAverageMacs[p.Class]),
                    ["msPerSample"] = N(r.ClassLatencyMs[p.Class]),
                    ["macSpeedup"] = N(MacSpeedup(baseline, r, p.Class)),
                    ["timeSpeedup"] = N(baseline.ClassLatencyMs[p.Class] / r.ClassLatencyMs[p.Class]),
                }),
            }).ToArray(),
            ["fig9"] = new Dictionary<string, object?>
            {
                ["targetClass"] = target,
                ["targetClassName"] = classNames[target],
                ["sharesPercent"] = shares,
                ["mixSize"] = MixSize(s, results[0].Evaluation.Count),
                ["seed"] = s.Seed,
                ["series"] = results.Select(r => new Dictionary<string, object?> { ["model"] = r.Name, ["msPerSample"] = r.MixLatencyMs, ["macsPerSample"] = r.MixMacs }).ToArray(),
            },
            ["figures"] = new Dictionary<string, string> { ["fig6"] = "exits.svg", ["fig9Latency"] = "latency.svg", ["fig9Macs"] = "macs.svg" },
        };
    }

    private static double MacSpeedup(ModelResult baseline, ModelResult model, int cls) =>
        baseline.Evaluation.ClassAverageMacs[cls] / model.Evaluation.ClassAverageMacs[cls];

    private static int MixSize(Settings s, int testCount) => Math.Min(s.MixSize, Math.Max(testCount, 10));

    /// <summary>"9 (Ankle boot)", or "3" when the class name is its index.</summary>
    private static string TargetName(int target, IReadOnlyList<string> classNames)
    {
        string label = CliOutput.ClassLabel(target, classNames);
        int space = label.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? label : $"{label[..space]} ({label[(space + 1)..]})";
    }

    /// <summary>Text for a Markdown table cell: '|' would end the cell, so it is escaped; line breaks become spaces.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');

    private static string Points(double delta) => (delta * 100).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + " pt";

    private static string DatasetTitle(string dataset) => DataSource.Normalize(dataset) switch
    {
        "fashion-mnist" => "Fashion-MNIST",
        "cifar10" => "CIFAR-10",
        "svhn" => "SVHN",
        var name when name.StartsWith(ImageFolderDataset.Prefix, StringComparison.Ordinal) => $"Images in {name[ImageFolderDataset.Prefix.Length..]}",
        _ => "CSV",
    };

    private static string[] Names(Settings s, List<ClassyNetModel> models)
    {
        if (s.Names is not null)
        {
            var given = s.Names.Split(',').Select(n => n.Trim()).ToArray();
            if (given.Length != models.Count || given.Any(string.IsNullOrEmpty) || given.Distinct().Count() != given.Length)
            {
                throw new CliException($"--names \"{s.Names}\" must give {models.Count} distinct non-empty names, one per model.");
            }

            return given;
        }

        var names = models.Select(m => CliParsing.ModeLabel(m.Mode)).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            if (names.Count(n => n == names[i]) > 1)
            {
                names[i] = $"{names[i]} ({Path.GetFileNameWithoutExtension(s.Models[i])})";
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

    private static List<(int Class, int Exit)> PriorityClasses(string? text, List<ClassyNetModel> models, int classes)
    {
        var result = new List<(int, int)>();
        if (text is not null)
        {
            var groups = CliParsing.ExitClasses(text, classes);
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

    private static TensorDataset Mix(TensorDataset test, int[] targetPool, int[] otherPool, int percent, int size, int seed)
    {
        var rng = new Random(seed * 1000 + percent);
        int targets = (int)Math.Round(size * percent / 100.0);
        var t = targetPool.OrderBy(_ => rng.Next()).ToArray();
        var others = otherPool.OrderBy(_ => rng.Next()).ToArray();
        var indices = Enumerable.Range(0, targets).Select(i => t[i % t.Length])
            .Concat(Enumerable.Range(0, size - targets).Select(i => others[i % others.Length]))
            .OrderBy(_ => rng.Next()).ToArray();
        return test.Subset(indices);
    }

    private static void Warm(ClassyNetModel model, EarlyExitPredictor predictor, TensorDataset prepared, int batchSize)
    {
        // One full batch: with tiered compilation off (see the csproj) that compiles every kernel the timed runs use
        // and fills the buffer pools.
        int n = Math.Min(prepared.Count, batchSize);
        model.PredictPrepared(prepared.Subset(Enumerable.Range(0, n).ToArray()), batchSize, predictor);
    }

    private static (double MsPerSample, double Macs) TimeBest(ClassyNetModel model, EarlyExitPredictor predictor, TensorDataset prepared, int batchSize, int repeats, CancellationToken cancellation)
    {
        double best = double.MaxValue, macs = 0;
        for (int r = 0; r < repeats; r++)
        {
            cancellation.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            var run = model.PredictPrepared(prepared, batchSize, predictor);
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            macs = run.AverageMacs;
        }

        return (best / prepared.Count, macs);
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

    private sealed record ModelResult(
        string Name, string File, ClassyNetModel Model, EarlyExitEvaluation Evaluation, double MsPerSample, long FullMacs,
        Dictionary<int, double> ClassLatencyMs, double[] MixLatencyMs, double[] MixMacs);
}
