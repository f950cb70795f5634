using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ClassyNet.Edge;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Planning;
using ClassyNet.MLNet.Deployment.Pruning;
using ClassyNet.MLNet.Evaluation.Reports;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.Serving;

namespace ClassyNet.Cli;

/// <summary>
/// <c>classynet report --edge-cloud</c>: the paper's Table IV measured here. For each device memory, the deepest exit
/// whose edge part fits (<see cref="PartitionMemoryAnalyzer"/>, under a <see cref="MemoryRule"/>); each multi-exit model
/// split there and run end to end over real loopback gRPC (<see cref="SplitDeployment"/>: the edge part on ONNX Runtime,
/// a <see cref="LinkEmulator"/> adding round-trip time and a bandwidth cap, the cloud-part service on 127.0.0.1), batch
/// by batch, on a uniform and a biased test set; optionally pruned baselines (whole network on the edge) beside them.
/// Writes report-split.md, report-split.json and report-split.png (and .svg).
/// </summary>
internal static class SplitReport
{
    /// <summary>Batch of the measurements and the memory formula unless --batch-size says otherwise (the paper's 16).</summary>
    public const int DefaultBatchSize = PaperMemoryFormula.BatchSize;

    /// <summary>Round-trip time the link adds by default (the paper: about 200 ms per batch).</summary>
    public const double DefaultRttMs = 200;

    /// <summary>Default bandwidth cap of the emulated link (as <c>classynet plan</c>'s default).</summary>
    public const string DefaultBandwidth = "10Mbit/s";

    /// <summary>Share of the priority class in the biased test set (the paper's 90 %).</summary>
    public const double DefaultBiasedShare = 0.9;

    /// <summary>The files' name without extension.</summary>
    public const string FileName = "report-split";

    /// <summary>The options of <c>report --edge-cloud</c>, as given.</summary>
    internal sealed record Settings(
        string[] Models, string? Names, string Dataset, string? Data, string Split, int? Limit, string? LabelColumn, string Out,
        int BatchSize, int SetSize, int Seed, double RttMs, string Bandwidth, int? PriorityClass, double BiasedShare,
        string? Budgets, string MemoryRule, string[] Pruned);

    public static async Task<int> RunAsync(CliContext context, Settings s)
    {
        var o = context.Output;
        var ct = context.Cancellation;
        if (s.Models.Length == 0)
        {
            throw new CliException("--models needs at least one model bundle.");
        }

        CliParsing.Require(s.BatchSize >= 1, "--batch-size", "a whole number >= 1", s.BatchSize);

        if (s.SetSize < 10)
        {
            throw new CliException($"--mix-size must be a whole number >= 10 (the size of each test set); got {s.SetSize}.");
        }

        if (!(s.RttMs >= 0 && double.IsFinite(s.RttMs)))
        {
            throw new CliException($"--rtt-ms must be a number of milliseconds >= 0; got {s.RttMs.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!(s.BiasedShare > 0 && s.BiasedShare <= 1))
        {
            throw new CliException($"--biased-share must be a fraction in (0, 1] (0.9 = 90% of the biased set from the priority class); got {s.BiasedShare.ToString(CultureInfo.InvariantCulture)}.");
        }

        double bandwidth = Parsed("--bandwidth", () => LinkProfile.ParseBandwidth(s.Bandwidth));
        var budgets = s.Budgets is null ? PaperEdgeBudgets.Budgets : Parsed("--budgets", () => MemoryBudget.ParseList(s.Budgets));
        var rule = CliParsing.MemoryRule(s.MemoryRule);
        var link = new LinkEmulatorOptions
        {
            RoundTripTime = TimeSpan.FromMilliseconds(s.RttMs),
            BandwidthBytesPerSecond = double.IsPositiveInfinity(bandwidth) ? null : Math.Max(1, (long)Math.Round(bandwidth)),
        };

        var loaded = s.Models.Select(ModelData.LoadModel).ToList();
        var names = ReportCommand.Names(s.Names, s.Models, loaded);
        var first = loaded[0];
        for (int i = 0; i < loaded.Count; i++)
        {
            if (loaded[i].ExitCount < 2)
            {
                throw new CliException($"--models '{s.Models[i]}' has a single exit: there is no edge/cloud split to measure (give it with --pruned if it is a pruned baseline).");
            }

            if (loaded[i].ClassCount != first.ClassCount || !loaded[i].InputShape.SequenceEqual(first.InputShape))
            {
                throw new CliException($"Models '{s.Models[0]}' ({first.ClassCount} classes, input [{string.Join(", ", first.InputShape)}]) and '{s.Models[i]}' ({loaded[i].ClassCount} classes, input [{string.Join(", ", loaded[i].InputShape)}]) cannot be compared on the same data.");
            }
        }

        var prunedModels = s.Pruned.Select(path => LoadPruned(path, first, s.BatchSize)).ToList();
        for (int i = 0; i < prunedModels.Count; i++)
        {
            if (prunedModels.Count(p => p.Name == prunedModels[i].Name) > 1)
            {
                prunedModels[i] = prunedModels[i] with { Name = $"{prunedModels[i].Name} [{Path.GetFileNameWithoutExtension(prunedModels[i].File)}]" };
            }
        }

        if (prunedModels.Select(p => p.Name).Distinct().Count() != prunedModels.Count)
        {
            throw new CliException($"--pruned lists the same file twice: {string.Join(", ", s.Pruned)}.");
        }

        var (test, description) = ModelData.Load(first, s.Models[0], s.Dataset, s.Data, s.Split, s.Limit, s.LabelColumn, o);
        var classNames = ModelData.ClassNames(first);
        int classes = first.ClassCount;
        int priority = s.PriorityClass ?? (ReportCommand.PriorityClasses(null, loaded, classes) is { Count: > 0 } p ? p[0].Class
            : throw new CliException("No model has a Bag-of-Classes first exit to take the priority class from; give --priority-class N."));
        if (priority < 0 || priority >= classes)
        {
            throw new CliException($"--priority-class {priority} is outside the {classes} classes (0..{classes - 1}).");
        }

        var sets = new[]
        {
            TestSet.Draw("uniform", ClassMix.Uniform(classes), test, s.SetSize, s.Seed, description),
            TestSet.Draw("biased", ClassMix.Biased(priority, s.BiasedShare, classes), test, s.SetSize, s.Seed + 1, description),
        };
        var setData = sets.Select(set => test.Gather(set.Indices)).ToArray();
        o.Line($"Edge/cloud report on {description}: {string.Join(", ", names)}{(prunedModels.Count > 0 ? " and pruned " + string.Join(", ", prunedModels.Select(m => m.Name)) : string.Empty)}.");
        o.Line($"Test sets of {s.SetSize}: uniform ({sets[0].Distinct} distinct samples) and biased ({CliOutput.Percent(s.BiasedShare)} class {ReportCommand.TargetName(priority, classNames)}, {sets[1].Distinct} distinct); link {link}; batches of {s.BatchSize}; edge parts sized by {RuleText(rule, s.BatchSize)}.");
        string? load = LoadAverage();
        var machine = new Machine(StageLatencyProfiler.MachineName(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, load);

        var models = new List<SplitModel>();
        var measurements = new List<Measurement>();
        for (int i = 0; i < loaded.Count; i++)
        {
            var model = loaded[i];
            var memory = PartitionMemoryAnalyzer.Analyze(model.Network, model.InputShape, new PartitionMemoryOptions
            {
                BatchSize = s.BatchSize,
                MeasureActivations = rule == MemoryRule.Measured,
                Budgets = budgets,
                ExitLabels = PartitionMemoryAnalyzer.LayerLabels(model.Spec),
            });
            var fits = memory.Fits.Select(f => f.For(rule) is int k ? k + 1 : (int?)null).ToArray();
            models.Add(new SplitModel(names[i], s.Models[i], model, memory, fits));
            ct.ThrowIfCancellationRequested();
            var exits = fits.OfType<int>().Distinct().Order().ToArray();
            if (exits.Length == 0)
            {
                continue;
            }

            await using var deployment = await SplitDeployment.StartAsync(model, ExportCommand.DefaultModelId(s.Models[i]), cancellationToken: ct).ConfigureAwait(false);
            foreach (int exit in exits)
            {
                for (int t = 0; t < sets.Length; t++)
                {
                    var result = await deployment.MeasureAsync(exit, setData[t], link, s.BatchSize, cancellationToken: ct).ConfigureAwait(false);
                    var m = Measurement.Of(names[i], false, exit, model.ExitCount, sets[t].Name, result);
                    measurements.Add(m);
                    o.Line($"{m.Model}, split after E{exit}, {m.Set} set: {CliOutput.Percent(m.Accuracy)}, {Ms(m.TotalMs)} ms in all ({m.BatchesToCloud} of {m.Batches} batches went to the cloud)");
                }
            }
        }

        foreach (var pm in prunedModels)
        {
            var asModel = pm.AsModel();
            await using var deployment = await SplitDeployment.StartAsync(asModel, ExportCommand.DefaultModelId(pm.File), cancellationToken: ct).ConfigureAwait(false);
            var result = await deployment.MeasureAsync(asModel.ExitCount, setData[0], link, s.BatchSize, cancellationToken: ct).ConfigureAwait(false);
            var m = Measurement.Of(pm.Name, true, asModel.ExitCount, asModel.ExitCount, sets[0].Name, result);
            measurements.Add(m);
            o.Line($"{pm.Name} (whole network on the edge), uniform set: {CliOutput.Percent(m.Accuracy)}, {Ms(m.TotalMs)} ms in all");
        }

        var report = new Report(s, description, classNames, priority, link, rule, budgets, sets, models, prunedModels, measurements, machine with { LoadAverageAfter = LoadAverage() });
        Directory.CreateDirectory(s.Out);
        bool figure = WriteFigure(report, o);
        string markdown = Markdown(report, figure);
        AtomicFile.Write(Path.Combine(s.Out, FileName + ".md"), f => f.Write(Encoding.UTF8.GetBytes(markdown)), "--out");
        EvaluateCommand.WriteJson(Path.Combine(s.Out, FileName + ".json"), Json(report));

        o.Heading("Table IV analogue: accuracy / end-to-end time for the whole test set");
        o.Table(null, TableHeaders(report), report.Rows().Select(r => (IReadOnlyList<string>)[.. r.Select(c => c.Text)]));
        o.Line($"Wrote {Path.Combine(s.Out, FileName + ".md")}, {FileName}.json{(figure ? $" and {FileName}.png/.svg" : string.Empty)}");
        return 0;
    }

    private static PrunedEntry LoadPruned(string path, ClassyNetModel first, int batchSize)
    {
        PrunedModel pruned;
        try
        {
            pruned = PrunedModel.Load(path);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new CliException($"--pruned '{path}': {e.Message}");
        }

        if (pruned.BaseSpec.Classes != first.ClassCount || !pruned.InputShape.SequenceEqual(first.InputShape))
        {
            throw new CliException($"--pruned '{path}' takes input [{string.Join(", ", pruned.InputShape)}] with {pruned.BaseSpec.Classes} classes; the models take [{string.Join(", ", first.InputShape)}] with {first.ClassCount}.");
        }

        string method = pruned.Method == PruningMethod.Magnitude ? "Sensitivity" : "HRank";
        string target = pruned.Result?.Target ?? "unknown target";
        return new PrunedEntry($"{method} ({target})", method, path, pruned, PaperMemoryFormula.Bytes(pruned.NonZeroParameters, batchSize: batchSize), pruned.NonZeroParameters);
    }

    private static T Parsed<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new CliException($"{option}: {e.Message}");
        }
    }

    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg, or null where there is none.</summary>
    internal static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Milliseconds with three or more significant digits: "0.84", "12.3", "12,345".</summary>
    internal static string Ms(double ms) => ms.ToString(ms < 10 ? "F2" : ms < 100 ? "F1" : "N0", CultureInfo.InvariantCulture);

    private static string[] TableHeaders(Report r) =>
        ["memory", .. r.PrunedMethods.Select(m => m + " (whole network)"), .. r.Models.SelectMany(m => r.Sets.Select(t => $"{m.Name} ({Title(t.Name)})"))];

    private static string Title(string set) => char.ToUpperInvariant(set[0]) + set[1..];

    private static bool WriteFigure(Report r, CliOutput o)
    {
        var xs = Enumerable.Range(0, r.Budgets.Count).Select(i => (double)i).ToArray();
        var series = new List<LineSeries>();
        foreach (var m in r.Models)
        {
            foreach (var set in r.Sets)
            {
                series.Add(new LineSeries($"{m.Name} ({set.Name})", xs, r.Budgets.Select((_, b) => r.Split(m, b, set.Name)?.TotalMs / 1000 ?? double.NaN).ToArray()));
            }
        }

        foreach (var method in r.PrunedMethods)
        {
            series.Add(new LineSeries($"{method} (uniform)", xs, r.Budgets.Select((_, b) => r.Pruned(method, b)?.Measurement.TotalMs / 1000 ?? double.NaN).ToArray()));
        }

        series.RemoveAll(l => !l.Y.Any(double.IsFinite));
        if (series.Count == 0)
        {
            o.Warn("no edge part fits any of the memories, so there is nothing to plot; the figure was not written.");
            return false;
        }

        using var figure = LineChartFigure.Render(
            series,
            $"End-to-end time for {r.Sets[0].Size} samples (RTT {r.Link.RoundTripTime.TotalMilliseconds:G4} ms, batch {r.Settings.BatchSize})",
            "device memory (edge part split at the deepest exit that fits)",
            "seconds for the whole test set",
            xTicks: xs,
            xTickLabels: [.. r.Budgets.Select(b => b.Label)]);
        figure.Save(Path.Combine(r.Settings.Out, FileName + ".png"));
        figure.Save(Path.Combine(r.Settings.Out, FileName + ".svg"));
        return true;
    }

    private static string Markdown(Report r, bool figure)
    {
        var s = r.Settings;
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Edge/cloud split report (Table IV analogue)");
        md.AppendLine();
        md.AppendLine(inv, $"Data: {r.Description}. Two test sets of {s.SetSize} samples drawn from it (seed {s.Seed}): **uniform** ({Composition(r.Sets[0], r.ClassNames)}; {r.Sets[0].Distinct} distinct samples) and **biased** ({CliOutput.Percent(s.BiasedShare)} class {ReportCommand.TargetName(r.Priority, r.ClassNames)}, the rest spread evenly: {Composition(r.Sets[1], r.ClassNames)}; {r.Sets[1].Distinct} distinct samples).");
        md.AppendLine();
        md.AppendLine(inv, $"Each model is split at the deepest exit whose edge part fits the memory ({RuleText(r.Rule, s.BatchSize)}). The edge part runs on ONNX Runtime (one intra-op thread) in this process; samples that do not leave at an edge exit are sent, as activations, over real gRPC on 127.0.0.1 through a link emulator (round-trip time {r.Link.RoundTripTime.TotalMilliseconds.ToString("G4", inv)} ms added, half each way; {(r.Link.BandwidthBytesPerSecond is long bw ? $"bandwidth capped at {(bw * 8 / 1e6).ToString("G4", inv)} Mbit/s each way" : "no bandwidth cap")}) to the cloud-part service (TorchSharp, same machine), which runs the remaining stages with early exit. Batches of {s.BatchSize} are classified one after another; **time** is the sum of the batches' end-to-end latencies for the whole set (as the paper's Table IV), after one untimed warm-up batch. A batch in which every sample leaves on the edge never touches the link. Accuracy counts an unanswered sample as wrong.");
        md.AppendLine();
        md.AppendLine(inv, $"Machine: {r.Machine.Cpu}; {r.Machine.Os}; {r.Machine.Runtime}; load average {r.Machine.LoadAverageBefore ?? "n/a"} before and {r.Machine.LoadAverageAfter ?? "n/a"} after (1, 5, 15 min).");
        md.AppendLine();
        md.AppendLine("## Accuracy and end-to-end time per device memory");
        md.AppendLine();
        md.AppendLine("Each cell: split exit, accuracy / time for the whole set. \"does not fit\": no edge part fits the memory (the whole model would run in the cloud, which the cloud-part service does not offer: it takes activations after an exit, not raw inputs).");
        md.AppendLine();
        var headers = TableHeaders(r);
        md.AppendLine("| " + string.Join(" | ", headers.Select(ReportCommand.Cell)) + " |");
        md.AppendLine("|---|" + string.Concat(headers.Skip(1).Select(_ => "---|")));
        foreach (var row in r.Rows())
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => ReportCommand.Cell(c.Text))) + " |");
        }

        md.AppendLine();
        if (figure)
        {
            md.AppendLine(inv, $"![End-to-end time per device memory]({FileName}.png)");
            md.AppendLine();
        }

        md.AppendLine("## Every measurement");
        md.AppendLine();
        md.AppendLine("| model | split | set | accuracy | time (ms) | per batch mean / p50 / p99 (ms) | batches to the cloud | samples to the cloud | activation bytes sent | exits (E1/E2/...) | unanswered |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var m in r.Measurements)
        {
            md.AppendLine(inv, $"| {ReportCommand.Cell(m.Model)} | {(m.Pruned ? "whole network on the edge" : m.SplitExit == m.ExitCount ? $"E{m.SplitExit} (whole model on the edge)" : $"after E{m.SplitExit}")} | {m.Set} | {CliOutput.Percent(m.Accuracy)} | {Ms(m.TotalMs)} | {m.MeanBatchMs:F1} / {m.P50BatchMs:F1} / {m.P99BatchMs:F1} | {m.BatchesToCloud} of {m.Batches} | {m.SentToCloud} | {m.BytesSent:N0} | {string.Join(" / ", m.ExitCounts)} | {m.Unanswered} |");
        }

        md.AppendLine();
        md.AppendLine("## Edge part memory");
        md.AppendLine();
        md.AppendLine(inv, $"Bytes of each edge part (network up to exit k) under the rule used ({RuleText(r.Rule, s.BatchSize)}); `classynet budgets MODEL` prints every rule.");
        md.AppendLine();
        int maxExits = r.Models.Max(m => m.Model.ExitCount);
        md.AppendLine("| model | " + string.Join(" | ", Enumerable.Range(1, maxExits).Select(k => $"E{k}")) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Range(0, maxExits).Select(_ => "---:|")));
        foreach (var m in r.Models)
        {
            md.AppendLine("| " + ReportCommand.Cell(m.Name) + " | " + string.Join(" | ", Enumerable.Range(0, maxExits).Select(k => k < m.Memory.Partitions.Count && m.Memory.Partitions[k].BytesFor(r.Rule) is long b ? MemoryBudget.Format(b) : "-")) + " |");
        }

        foreach (var p in r.PrunedModels)
        {
            md.Append(inv, $"| {ReportCommand.Cell(p.Name)}: {p.NonZeroParameters:N0} non-zero parameters, paper formula (x 4 B x {s.BatchSize}), whole network | {MemoryBudget.Format(p.PaperFormulaBytes)} |");
            md.AppendLine(string.Concat(Enumerable.Range(1, maxExits - 1).Select(_ => " |")));
        }

        md.AppendLine();
        md.AppendLine(inv, $"Written by `classynet report --edge-cloud` ({FileName}.json holds every number and the test sets' sample indices).");
        return md.ToString();
    }

    private static string RuleText(MemoryRule rule, int batch) => rule switch
    {
        MemoryRule.PaperFormula => $"the paper's formula: weight tensors up to the exit x 4 bytes x batch {batch}",
        MemoryRule.EdgeFormula => $"every parameter of the edge part x 4 bytes x batch {batch}",
        _ => $"stored bytes plus the activation peak measured on TorchSharp for a batch of {batch}",
    };

    private static string Composition(TestSet set, IReadOnlyList<string> classNames) =>
        set.ClassCounts.Select((n, c) => (n, c)).All(x => x.n == set.ClassCounts[0])
            ? $"{set.ClassCounts[0]} per class"
            : string.Join(", ", set.ClassCounts.Select((n, c) => (n, c)).Where(x => x.n > 0).Select(x => $"{x.n} of class {x.c}"));

    private static Dictionary<string, object?> Json(Report r)
    {
        static double? N(double v) => EvaluateCommand.JsonNumber(v);
        var s = r.Settings;
        Dictionary<string, object?> Cell(SplitModel m, int b, TestSet set) => r.Split(m, b, set.Name) is { } x
            ? new() { ["splitExit"] = x.SplitExit, ["accuracy"] = x.Accuracy, ["totalMs"] = x.TotalMs, ["measurement"] = r.Measurements.IndexOf(x) }
            : new() { ["splitExit"] = null };
        return new Dictionary<string, object?>
        {
            ["data"] = r.Description,
            ["dataset"] = DataSource.Normalize(s.Dataset),
            ["split"] = s.Split,
            ["batchSize"] = s.BatchSize,
            ["memoryRule"] = r.Rule.ToString(),
            ["link"] = new Dictionary<string, object?> { ["roundTripMs"] = r.Link.RoundTripTime.TotalMilliseconds, ["bandwidthBytesPerSecond"] = r.Link.BandwidthBytesPerSecond, ["text"] = r.Link.ToString() },
            ["machine"] = new Dictionary<string, object?> { ["cpu"] = r.Machine.Cpu, ["threads"] = r.Machine.Threads, ["os"] = r.Machine.Os, ["runtime"] = r.Machine.Runtime, ["loadAverageBefore"] = r.Machine.LoadAverageBefore, ["loadAverageAfter"] = r.Machine.LoadAverageAfter },
            ["priorityClass"] = r.Priority,
            ["priorityClassName"] = r.ClassNames[r.Priority],
            ["biasedShare"] = s.BiasedShare,
            ["seed"] = s.Seed,
            ["sets"] = r.Sets.Select(t => new Dictionary<string, object?> { ["name"] = t.Name, ["size"] = t.Size, ["distinct"] = t.Distinct, ["classCounts"] = t.ClassCounts, ["indices"] = t.Indices }).ToArray(),
            ["budgets"] = r.Budgets.Select(b => new Dictionary<string, object?> { ["label"] = b.Label, ["bytes"] = b.Bytes }).ToArray(),
            ["models"] = r.Models.Select(m => ReportCommand.ModelJson(m.Name, m.File, m.Model, new()
            {
                ["edgePartBytes"] = m.Memory.Partitions.Select(p => p.BytesFor(r.Rule)).ToArray(),
                ["splitExitPerBudget"] = m.Fits,
            })).ToArray(),
            ["pruned"] = r.PrunedModels.Select(p => new Dictionary<string, object?>
            {
                ["name"] = p.Name,
                ["file"] = p.File,
                ["method"] = p.Method,
                ["nonZeroParameters"] = p.NonZeroParameters,
                ["paperFormulaBytes"] = p.PaperFormulaBytes,
            }).ToArray(),
            ["measurements"] = r.Measurements.Select(m => new Dictionary<string, object?>
            {
                ["model"] = m.Model,
                ["pruned"] = m.Pruned,
                ["splitExit"] = m.SplitExit,
                ["set"] = m.Set,
                ["count"] = m.Count,
                ["accuracy"] = m.Accuracy,
                ["totalMs"] = m.TotalMs,
                ["meanBatchMs"] = N(m.MeanBatchMs),
                ["p50BatchMs"] = N(m.P50BatchMs),
                ["p99BatchMs"] = N(m.P99BatchMs),
                ["batches"] = m.Batches,
                ["batchesToCloud"] = m.BatchesToCloud,
                ["sentToCloud"] = m.SentToCloud,
                ["unanswered"] = m.Unanswered,
                ["bytesSent"] = m.BytesSent,
                ["exitCounts"] = m.ExitCounts,
                ["edgeMs"] = m.EdgeMs,
                ["cloudMs"] = m.CloudMs,
                ["batchLatencyMs"] = m.BatchMs,
            }).ToArray(),
            ["table"] = r.Budgets.Select((b, i) => new Dictionary<string, object?>
            {
                ["budget"] = b.Label,
                ["models"] = r.Models.ToDictionary(m => m.Name, m => (object?)r.Sets.ToDictionary(t => t.Name, t => (object?)Cell(m, i, t))),
                ["pruned"] = r.PrunedMethods.ToDictionary(method => method, method => r.Pruned(method, i) is { } p
                    ? (object?)new Dictionary<string, object?> { ["name"] = p.Entry.Name, ["accuracy"] = p.Measurement.Accuracy, ["totalMs"] = p.Measurement.TotalMs, ["measurement"] = r.Measurements.IndexOf(p.Measurement) }
                    : null),
            }).ToArray(),
            ["figure"] = FileName + ".png",
        };
    }

    /// <summary>A test set drawn from the loaded data for a class mix.</summary>
    internal sealed record TestSet(string Name, int[] Indices, int[] ClassCounts, int Distinct)
    {
        public int Size => Indices.Length;

        /// <summary>
        /// <paramref name="size"/> sample indices of <paramref name="data"/> with class counts in the shares of
        /// <paramref name="mix"/> (largest remainder), each class's samples taken in a seeded shuffle, repeated only when
        /// the class has fewer samples than it needs; the result is shuffled.
        /// </summary>
        public static TestSet Draw(string name, ClassMix mix, SampleSource data, int size, int seed, string description)
        {
            var rng = new Random(seed);
            int classes = mix.ClassCount;
            var exact = mix.Shares.Select(p => p * size).ToArray();
            var counts = exact.Select(x => (int)Math.Floor(x + 1e-9)).ToArray();
            foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => exact[c] - counts[c]).ThenBy(c => c).Take(size - counts.Sum()))
            {
                counts[c]++;
            }

            var picked = new List<int>(size);
            for (int c = 0; c < classes; c++)
            {
                if (counts[c] == 0)
                {
                    continue;
                }

                int cls = c;
                var pool = Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == cls).ToArray();
                if (pool.Length == 0)
                {
                    throw new CliException($"The {description} has no samples of class {c}, which the {name} test set needs ({counts[c]} of {size}); use a larger --limit or another --priority-class.");
                }

                rng.Shuffle(pool);
                picked.AddRange(Enumerable.Range(0, counts[c]).Select(i => pool[i % pool.Length]));
            }

            var indices = picked.ToArray();
            rng.Shuffle(indices);
            return new TestSet(name, indices, counts, indices.Distinct().Count());
        }
    }

    /// <summary>One end-to-end run of a model on a test set (from <see cref="SplitEvaluationResult"/>).</summary>
    internal sealed record Measurement(
        string Model, bool Pruned, int SplitExit, int ExitCount, string Set, int Count, double Accuracy, double TotalMs, double MeanBatchMs, double P50BatchMs, double P99BatchMs,
        int Batches, int BatchesToCloud, int SentToCloud, int Unanswered, long BytesSent, int[] ExitCounts, double EdgeMs, double CloudMs, double[] BatchMs)
    {
        public static Measurement Of(string model, bool pruned, int splitExit, int exitCount, string set, SplitEvaluationResult r) => new(
            model, pruned, splitExit, exitCount, set, r.Count, r.Accuracy, r.TotalLatency.TotalMilliseconds, r.MeanBatchLatency.TotalMilliseconds,
            r.BatchLatencyQuantile(0.5).TotalMilliseconds, r.BatchLatencyQuantile(0.99).TotalMilliseconds, r.Batches.Count, r.Batches.Count(b => b.SentToCloud > 0),
            r.SentToCloud, r.Unanswered, r.BytesSent, [.. r.ExitCounts], r.Batches.Sum(b => b.EdgeTime.TotalMilliseconds), r.Batches.Sum(b => b.CloudTime.TotalMilliseconds),
            [.. r.Batches.Select(b => b.Latency.TotalMilliseconds)]);
    }

    /// <summary>A multi-exit model, its edge parts' memory and the split exit (1-based, null: none fits) per budget.</summary>
    internal sealed record SplitModel(string Name, string File, ClassyNetModel Model, PartitionMemoryReport Memory, int?[] Fits);

    /// <summary>A pruned baseline given with --pruned.</summary>
    internal sealed record PrunedEntry(string Name, string Method, string File, PrunedModel Pruned, long PaperFormulaBytes, long NonZeroParameters)
    {
        /// <summary>The pruned network as a model whose only exit is its final one (for the edge export).</summary>
        public ClassyNetModel AsModel() => new(Pruned.BaseSpec, Pruned.Network, ExitClassSets.AllClasses(Pruned.BaseSpec.ExitCount, Pruned.BaseSpec.Classes), new float[Pruned.BaseSpec.ExitCount - 1])
        {
            Normalization = Pruned.Normalization,
            ClassNames = Pruned.ClassNames,
        };
    }

    /// <summary>Where the numbers were measured.</summary>
    internal sealed record Machine(string Cpu, int Threads, string Os, string Runtime, string? LoadAverageBefore)
    {
        public string? LoadAverageAfter { get; init; }
    }

    /// <summary>A table cell: its text.</summary>
    internal sealed record TableCell(string Text);

    /// <summary>Everything the report writes.</summary>
    internal sealed record Report(
        Settings Settings, string Description, IReadOnlyList<string> ClassNames, int Priority, LinkEmulatorOptions Link, MemoryRule Rule, IReadOnlyList<MemoryBudget> Budgets,
        TestSet[] Sets, List<SplitModel> Models, List<PrunedEntry> PrunedModels, List<Measurement> Measurements, Machine Machine)
    {
        /// <summary>The pruning methods given, in order of first appearance.</summary>
        public string[] PrunedMethods => PrunedModels.Select(p => p.Method).Distinct().ToArray();

        /// <summary>The measurement of <paramref name="model"/> split at its exit for budget <paramref name="budget"/> on <paramref name="set"/>, or null when no exit fits.</summary>
        public Measurement? Split(SplitModel model, int budget, string set) =>
            model.Fits[budget] is int exit ? Measurements.Single(m => !m.Pruned && m.Model == model.Name && m.SplitExit == exit && m.Set == set) : null;

        /// <summary>The largest pruned model of <paramref name="method"/> that fits budget <paramref name="budget"/> by the paper's formula, with its measurement; null if none.</summary>
        public (PrunedEntry Entry, Measurement Measurement)? Pruned(string method, int budget)
        {
            var entry = PrunedModels.Where(p => p.Method == method && p.PaperFormulaBytes <= Budgets[budget].Bytes).MaxBy(p => p.PaperFormulaBytes);
            return entry is null ? null : (entry, Measurements.Single(m => m.Pruned && m.Model == entry.Name));
        }

        /// <summary>The Table IV rows, largest memory first (as the paper's table).</summary>
        public IEnumerable<TableCell[]> Rows()
        {
            foreach (int b in Enumerable.Range(0, Budgets.Count).OrderByDescending(b => Budgets[b].Bytes))
            {
                var row = new List<TableCell> { new(Budgets[b].Label) };
                foreach (var method in PrunedMethods)
                {
                    row.Add(new(Pruned(method, b) is { } p ? $"{CliOutput.Percent(p.Measurement.Accuracy)} / {Ms(p.Measurement.TotalMs)} ms{(p.Entry.Pruned.Result is { } r ? $" ({CliOutput.Percent(r.Reduction)} pruned)" : string.Empty)}" : "none fits"));
                }

                foreach (var m in Models)
                {
                    foreach (var set in Sets)
                    {
                        row.Add(new(Split(m, b, set.Name) is { } x ? $"E{x.SplitExit}: {CliOutput.Percent(x.Accuracy)} / {Ms(x.TotalMs)} ms" : "does not fit"));
                    }
                }

                yield return [.. row];
            }
        }
    }
}
