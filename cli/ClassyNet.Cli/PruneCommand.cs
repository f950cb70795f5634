using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Pruning;

namespace ClassyNet.Cli;

/// <summary><c>classynet prune</c>: the paper's pruning baselines (sensitivity and HRank) of a model's single-exit baseline, to a memory budget.</summary>
internal static class PruneCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model bundle (zip) whose ResNet is pruned as a single-exit baseline (train it with --mode baseline)." };
        var method = new Option<string>("--method") { Description = "magnitude (sensitivity pruning: masks, dense tensors) or hrank (filter pruning by feature-map rank: channels removed).", Required = true };
        var budget = new Option<string?>("--budget") { Description = "Device memory to fit under the paper's formula (non-zero parameters x 4 bytes x 16), e.g. 2.31MB (binary units)." };
        var reduction = new Option<double?>("--reduction") { Description = "Instead of --budget: fraction of the baseline's parameters to remove, e.g. 0.9794 (the paper's for 2.31 MB)." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn or csv (the model's kind of data).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file (see 'train --help')." };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Fine-tune (and rank) on the first N training images only." };
        var testLimit = new Option<int?>("--test-limit") { Description = "Measure accuracy on the first N test images only." };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs (0 for none).", DefaultValueFactory = _ => 1 };
        var batchSize = new Option<int>("--batch-size") { Description = "Fine-tuning batch size.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Fine-tuning Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var calibration = new Option<int>("--calibration") { Description = "hrank: training images whose feature-map ranks decide which filters stay.", DefaultValueFactory = _ => 256 };
        var latencyBatch = new Option<int>("--latency-batch") { Description = "Batch size of the latency measurement (the paper's 16).", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Timed forward passes per latency figure (median reported).", DefaultValueFactory = _ => 7 };
        var seed = new Option<int>("--seed") { Description = "Fine-tuning shuffle seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Write the pruned model here (zip, format classynet-pruned)." };
        var json = new Option<string?>("--json") { Description = "Write the measured result to this JSON file." };
        var command = new Command("prune", "Prune a model's single-exit baseline to a memory budget with magnitude (sensitivity) or HRank filter pruning, fine-tune it, and measure accuracy and latency beside the baseline (Table IV's pruning columns).")
        {
            model, method, budget, reduction, dataset, data, trainLimit, testLimit, epochs, batchSize, lr, calibration, latencyBatch, repeats, seed, output, json,
        };
        command.SetAction(r => Run(context, r.GetValue(model)!, r.GetValue(method)!, r.GetValue(budget), r.GetValue(reduction), r.GetValue(dataset)!, r.GetValue(data), r.GetValue(trainLimit), r.GetValue(testLimit),
            new Tuning(r.GetValue(epochs), r.GetValue(batchSize), r.GetValue(lr), r.GetValue(calibration), r.GetValue(latencyBatch), r.GetValue(repeats), r.GetValue(seed)),
            r.GetValue(output), r.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string methodText, string? budgetText, double? reduction, string dataset, string? data, int? trainLimit, int? testLimit, Tuning settings, string? outPath, string? jsonPath)
    {
        var o = context.Output;
        var method = methodText.Trim().ToLowerInvariant() switch
        {
            "magnitude" or "sensitivity" => PruningMethod.Magnitude,
            "hrank" => PruningMethod.HRank,
            _ => throw new CliException($"Unknown --method '{methodText}'; expected magnitude (sensitivity) or hrank."),
        };
        if ((budgetText is null) == (reduction is null))
        {
            throw new CliException("prune needs exactly one target: --budget (e.g. 2.31MB) or --reduction (e.g. 0.9794).");
        }

        MemoryBudget? budget = null;
        if (budgetText is not null)
        {
            try
            {
                budget = MemoryBudget.Parse(budgetText);
            }
            catch (FormatException e)
            {
                throw new CliException("--budget: " + e.Message);
            }
        }

        if (reduction is double r && !(r >= 0 && r < 1))
        {
            throw new CliException($"--reduction must be a fraction in [0, 1) (0.9794 removes 97.94% of the parameters); got {r.ToString(CultureInfo.InvariantCulture)}.");
        }

        CliParsing.Require(settings.Epochs >= 0, "--epochs", ">= 0", settings.Epochs);
        CliParsing.Require(settings.LearningRate > 0, "--lr", "> 0", settings.LearningRate);
        CliParsing.Require(settings.BatchSize >= 1, "--batch-size", ">= 1", settings.BatchSize);
        CliParsing.Require(settings.Calibration >= 1, "--calibration", ">= 1", settings.Calibration);
        CliParsing.Require(settings.LatencyBatch >= 1, "--latency-batch", ">= 1", settings.LatencyBatch);
        CliParsing.Require(settings.Repeats >= 1, "--repeats", ">= 1", settings.Repeats);

        var options = new PruningOptions
        {
            Method = method,
            Budget = budget,
            Reduction = reduction,
            FineTuneEpochs = settings.Epochs,
            FineTuneBatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            CalibrationSamples = settings.Calibration,
            LatencyBatchSize = settings.LatencyBatch,
            LatencyRepeats = settings.Repeats,
            Seed = settings.Seed,
        };
        var model = ModelData.LoadModel(modelPath);
        if (model.Spec.Kind != ClassyNet.MLNet.Networks.NetworkKind.ResNet)
        {
            throw new CliException($"Model '{modelPath}' is {model.Spec}; the pruning baselines prune a ResNet (train one with --arch r20 or --preset resnet110-7exit).");
        }

        if (model.ExitCount > 1 && model.Mode != "baseline")
        {
            o.Warn($"model '{modelPath}' was trained as {model.Mode ?? "a multi-exit model"}, not as a baseline; its backbone and final exit are pruned as the single-exit baseline.");
        }

        var (train, trainDescription) = ModelData.Load(model, modelPath, dataset, data, "train", trainLimit, null, o);
        var (test, testDescription) = ModelData.Load(model, modelPath, dataset, data, "test", testLimit, null, o);
        o.Line($"Model {modelPath}: {model}");
        o.Line($"Fine-tuning data: {trainDescription}; test data: {testDescription}.");
        var (pruned, result) = ModelPruner.Prune(model, train.ToDataset(), test.ToDataset(), options, new Lines(o), context.Cancellation);

        o.Table($"{result.Method} pruning, {result.Target} (at most {result.MaxParameters:N0} non-zero parameters)", ["", "baseline", "pruned"],
        [
            ["parameters (non-zero)", result.BaselineParameters.ToString("N0", CultureInfo.InvariantCulture), $"{result.NonZeroParameters.ToString("N0", CultureInfo.InvariantCulture)} of {result.Parameters.ToString("N0", CultureInfo.InvariantCulture)}"],
            ["reduction", "-", CliOutput.Percent(result.Reduction)],
            ["paper formula (x 4 B x 16)", MemoryBudget.Format(PaperMemoryFormula.Bytes(result.BaselineParameters)), MemoryBudget.Format(result.PaperFormulaBytes)],
            ["MACs per image (dense)", CliOutput.Macs(result.BaselineMacs), CliOutput.Macs(result.Macs)],
            ["test accuracy", CliOutput.Percent(result.BaselineAccuracy), $"{CliOutput.Percent(result.Accuracy)} ({CliOutput.Percent(result.AccuracyBeforeFineTune)} before fine-tuning)"],
            [$"latency, batch of {result.LatencyBatchSize} (median)", CliOutput.Number(result.BaselineLatencyMs) + " ms", CliOutput.Number(result.LatencyMs) + " ms"],
        ]);
        o.Line($"Latency measured on {result.Machine}; fine-tuning took {CliOutput.Number(result.FineTuneSeconds, "F1")} s.");
        if (outPath is not null)
        {
            pruned.Save(outPath);
            o.Line($"Wrote {outPath}");
        }

        if (jsonPath is not null)
        {
            AtomicFile.Write(jsonPath, s => JsonSerializer.Serialize(s, result, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }), "--json");
            o.Line($"Wrote {jsonPath}");
        }

        return 0;
    }

    /// <summary>Fine-tuning and measurement settings as given on the command line.</summary>
    private sealed record Tuning(int Epochs, int BatchSize, double LearningRate, int Calibration, int LatencyBatch, int Repeats, int Seed);

    private sealed class Lines(CliOutput output) : IProgress<string>
    {
        public void Report(string value) => output.Line(value);
    }
}
