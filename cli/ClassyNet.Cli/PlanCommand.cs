using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Planning;

namespace ClassyNet.Cli;

/// <summary><c>classynet plan</c>: chooses the edge/cloud split exit and thresholds for a device, a link and a class mix.</summary>
internal static class PlanCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model bundle (zip) written by 'classynet train'." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn or csv: the data whose validation split predicts exits and accuracy.", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file (see 'train --help')." };
        var split = new Option<string>("--split") { Description = "validation (default: the part of the training data the model held out), train or test.", DefaultValueFactory = _ => "validation" };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N samples of the split." };
        var memory = new Option<string>("--memory") { Description = "Edge device memory, e.g. 2.31MB (binary units).", Required = true };
        var rtt = new Option<double>("--rtt-ms") { Description = "Added round-trip latency of the link per batch that goes to the cloud, in ms (the paper: about 200).", DefaultValueFactory = _ => 200 };
        var bandwidth = new Option<string>("--bandwidth") { Description = "Link bandwidth, e.g. 1MB/s, 10Mbit/s or unlimited.", DefaultValueFactory = _ => "10Mbit/s" };
        var mix = new Option<string>("--mix") { Description = "Expected class mix: uniform, or class:share pairs such as 9:0.9 (the paper's biased set; other classes share the rest).", DefaultValueFactory = _ => "uniform" };
        var maxDrop = new Option<double?>("--max-accuracy-drop") { Description = "Accuracy floor relative to the final exit alone under the mix (0.01 = one point; the default when no floor is given)." };
        var minAccuracy = new Option<double?>("--min-accuracy") { Description = "Absolute accuracy floor under the mix (fraction)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Inputs per batch (the paper's 16): memory, latency and link use are per batch.", DefaultValueFactory = _ => 16 };
        var rule = new Option<string>("--memory-rule") { Description = "How an edge part is compared with --memory: measured (stored bytes + activation peak measured on TorchSharp), paper (the paper's formula) or edge (the formula over every parameter of the edge part).", DefaultValueFactory = _ => "measured" };
        var edgeSlowdown = new Option<double>("--edge-slowdown") { Description = "How many times slower the edge device computes than this machine.", DefaultValueFactory = _ => 1 };
        var cloudSpeedup = new Option<double>("--cloud-speedup") { Description = "How many times faster the cloud computes than this machine.", DefaultValueFactory = _ => 1 };
        var candidates = new Option<int>("--candidates") { Description = "Candidate thresholds per early exit.", DefaultValueFactory = _ => 16 };
        var json = new Option<string?>("--json") { Description = "Also write the plan (every candidate and the measured costs) to this JSON file." };
        var output = new Option<string?>("--out") { Description = "Also write the explanation to this Markdown file." };
        var command = new Command("plan", "Choose the split exit and thresholds that minimise expected latency per batch under an accuracy floor, for a device memory, a link (round trip, bandwidth) and a class mix; prints every candidate and why. Uses measured inputs: a validation score cache, per-stage latencies and edge-part memory measured here.")
        {
            model, dataset, data, split, limit, memory, rtt, bandwidth, mix, maxDrop, minAccuracy, batchSize, rule, edgeSlowdown, cloudSpeedup, candidates, json, output,
        };
        command.SetAction(r => Run(context, r.GetValue(model)!, r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit),
            new Deployment(r.GetValue(memory)!, r.GetValue(rtt), r.GetValue(bandwidth)!, r.GetValue(mix)!, r.GetValue(maxDrop), r.GetValue(minAccuracy), r.GetValue(batchSize), r.GetValue(rule)!, r.GetValue(edgeSlowdown), r.GetValue(cloudSpeedup), r.GetValue(candidates)),
            r.GetValue(json), r.GetValue(output)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataset, string? data, string split, int? limit, Deployment d, string? jsonPath, string? outPath)
    {
        var o = context.Output;
        var memory = Parsed("--memory", () => MemoryBudget.Parse(d.Memory));
        double bandwidth = Parsed("--bandwidth", () => LinkProfile.ParseBandwidth(d.Bandwidth));

        if (!(d.RttMs >= 0 && double.IsFinite(d.RttMs)))
        {
            throw new CliException($"--rtt-ms must be a number of milliseconds >= 0; got {d.RttMs.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (d.MaxDrop is double drop && !(drop >= 0 && drop <= 1) || d.MinAccuracy is double min && !(min >= 0 && min <= 1))
        {
            throw new CliException("--max-accuracy-drop and --min-accuracy are fractions in [0, 1] (0.01 = one point).");
        }

        CliParsing.Require(d.BatchSize >= 1, "--batch-size", ">= 1", d.BatchSize);
        CliParsing.Require(d.Candidates >= 1, "--candidates", ">= 1", d.Candidates);
        CliParsing.Require(d.EdgeSlowdown > 0, "--edge-slowdown", "> 0", d.EdgeSlowdown);
        CliParsing.Require(d.CloudSpeedup > 0, "--cloud-speedup", "> 0", d.CloudSpeedup);

        var memoryRule = CliParsing.MemoryRule(d.Rule);
        var model = ModelData.LoadModel(modelPath);
        if (model.ExitCount < 2)
        {
            throw new CliException($"Model '{modelPath}' has a single exit; there is no split to plan.");
        }

        var classMix = Parsed("--mix", () => ClassMix.Parse(d.Mix, model.ClassCount));

        var (validation, description) = ModelData.Load(model, modelPath, dataset, data, split, limit, null, o);
        o.Line($"Model {modelPath}: {model}");
        o.Line($"Exit behaviour and accuracy from: {description}.");
        var cache = model.BuildScoreCache(validation.ToDataset());
        context.Cancellation.ThrowIfCancellationRequested();
        var costs = SplitCostProfile.Measure(model.Network, model.InputShape, memoryRule, d.BatchSize, PartitionMemoryAnalyzer.LayerLabels(model.Spec));
        context.Cancellation.ThrowIfCancellationRequested();
        o.Table($"Measured costs ({costs.Latency.Machine}, {costs.Latency.Threads} libtorch threads; stage lines fitted through batches of 1 and {costs.Latency.BatchSize})",
            ["exit", $"edge memory ({memoryRule})", "hand-off / input", "stage latency", "head latency", "edge MACs / input"],
            Enumerable.Range(0, costs.ExitCount).Select(k => (IReadOnlyList<string>)
            [
                costs.Label(k),
                MemoryBudget.Format(costs.EdgeMemoryBytes[k]),
                MemoryBudget.Format(costs.HandoffBytesPerSample[k]),
                costs.Latency.Stages[k].ToString(),
                costs.Latency.Heads[k].ToString(),
                costs.EdgeMacs is { } macs ? CliOutput.Macs(macs[k]) : "-",
            ]));
        var plan = SplitPlanner.Plan(cache, costs, new SplitPlannerOptions
        {
            DeviceMemoryBytes = memory.Bytes,
            Link = new LinkProfile(d.RttMs, bandwidth),
            Mix = classMix,
            MaxAccuracyDrop = d.MaxDrop ?? (d.MinAccuracy is null ? 0.01 : null),
            MinimumAccuracy = d.MinAccuracy,
            BatchSize = d.BatchSize,
            EdgeSlowdown = d.EdgeSlowdown,
            CloudSpeedup = d.CloudSpeedup,
            Policy = model.Policy,
            InitialThresholds = model.Thresholds,
            CandidatesPerExit = d.Candidates,
        });
        string explanation = plan.Explain();
        o.Line(explanation);
        if (!plan.Feasible)
        {
            o.Warn("no split meets both the memory and the accuracy floor; the closest one is shown.");
        }

        if (outPath is not null)
        {
            AtomicFile.Write(outPath, s => s.Write(Encoding.UTF8.GetBytes($"# Split plan for {modelPath}\n\n{explanation}")), "--out");
            o.Line($"Wrote {outPath}");
        }

        if (jsonPath is not null)
        {
            AtomicFile.Write(jsonPath, s => JsonSerializer.Serialize(s, new { plan, costs }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }), "--json");
            o.Line($"Wrote {jsonPath}");
        }

        return 0;
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

    /// <summary>The deployment as given on the command line.</summary>
    private sealed record Deployment(string Memory, double RttMs, string Bandwidth, string Mix, double? MaxDrop, double? MinAccuracy, int BatchSize, string Rule, double EdgeSlowdown, double CloudSpeedup, int Candidates);
}
