using System.CommandLine;
using System.Globalization;
using ClassyNet.MLNet.Inference;

namespace ClassyNet.Cli;

/// <summary><c>classynet calibrate</c>: chooses thresholds on validation data and writes them into the model.</summary>
internal static class CalibrateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model bundle (zip); its thresholds are replaced (atomically) unless --out is given." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn, csv or folder:ROOT (see 'train --help').", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file." };
        var split = new Option<string>("--split") { Description = "validation (default: the part of the training data the model held out), train or test.", DefaultValueFactory = _ => "validation" };
        var limit = CliParsing.OptionalInt("--limit", "Use only the first N samples.", 1000);
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV only: label column (default: as at training)." };
        var maxDrop = new Option<double?>("--max-accuracy-drop") { Description = "Keep accuracy within this fraction of the final exit's (e.g. 0.01 = one point)." };
        var minRecall = new Option<string?>("--min-recall") { Description = "Keep these classes' recall above a floor, e.g. 9:0.95,8:0.9." };
        var candidates = new Option<int>("--candidates") { Description = "Candidate thresholds per early exit.", DefaultValueFactory = _ => 32 };
        var output = new Option<string?>("--out") { Description = "Write the calibrated model here instead of replacing the input." };
        var command = new Command("calibrate", "Choose early-exit thresholds on validation data (--max-accuracy-drop and/or --min-recall) that minimise average MACs, and write them into the model.")
        {
            model, dataset, data, split, limit, labelColumn, maxDrop, minRecall, candidates, output,
        };
        command.SetAction(r => Run(context, r.GetValue(model)!, r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit), r.GetValue(labelColumn), r.GetValue(maxDrop), r.GetValue(minRecall), r.GetValue(candidates), r.GetValue(output)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataset, string? data, string split, int? limit, string? labelColumn, double? maxDrop, string? minRecall, int candidates, string? outPath)
    {
        var o = context.Output;
        if (maxDrop is null && minRecall is null)
        {
            throw new CliException("calibrate needs a constraint: --max-accuracy-drop 0.01 and/or --min-recall 9:0.95[,8:0.9].");
        }

        if (maxDrop is double d && !(d >= 0 && d <= 1))
        {
            throw new CliException($"--max-accuracy-drop must be a fraction in [0, 1] (0.01 = one point); got {d.ToString(CultureInfo.InvariantCulture)}.");
        }

        CliParsing.Require(candidates >= 1, "--candidates", ">= 1", candidates);

        var model = ModelData.LoadModel(modelPath);
        var recall = minRecall is null ? null : CliParsing.Recall(minRecall, model.ClassCount);
        if (model.ExitCount < 2)
        {
            throw new CliException($"Model '{modelPath}' has a single exit; there are no thresholds to calibrate.");
        }

        var (validation, description) = ModelData.Load(model, modelPath, dataset, data, split, limit, labelColumn, o);
        var cache = model.BuildScoreCache(validation.ToDataset());
        context.Cancellation.ThrowIfCancellationRequested();
        var before = cache.Simulate(model.Policy, model.Thresholds);
        var result = ThresholdCalibrator.Calibrate(cache, new ThresholdCalibrationOptions { MaxAccuracyDrop = maxDrop, MinimumRecall = recall, CandidatesPerExit = candidates }, model.Policy);
        var after = result.Simulation;
        var calibrated = model.WithThresholds(result.Thresholds).WithMetadata(new Dictionary<string, string>
        {
            ["calibratedOn"] = description,
            ["calibrationConstraint"] = string.Join("; ", new[] { maxDrop is double m ? $"max accuracy drop {m.ToString(CultureInfo.InvariantCulture)}" : null, minRecall is null ? null : $"min recall {minRecall}" }.Where(x => x is not null)),
            ["calibrationSatisfied"] = result.ConstraintsSatisfied ? "true" : "false",
            ["thresholdsBeforeCalibration"] = CliParsing.Format(model.Thresholds),
        });

        o.Line($"Model {modelPath}: {model}");
        o.Line($"Calibration data: {description}; {result.Search} search over {result.CandidatesEvaluated} threshold vectors.");
        var rows = new List<IReadOnlyList<string>>
        {
            Row("before", before, result.FullNetworkMacs, CliOutput.Thresholds(model.Thresholds)),
            Row("calibrated", after, result.FullNetworkMacs, CliOutput.Thresholds(result.Thresholds)),
        };
        var headers = new List<string> { "", "thresholds", "accuracy", "avg MACs", "speedup" };
        headers.AddRange(Enumerable.Range(1, model.ExitCount).Select(e => $"exit {e} rate"));
        if (recall is not null)
        {
            headers.AddRange(recall.Keys.Select(k => $"recall {k}"));
            rows[0] = [.. rows[0], .. recall.Keys.Select(k => CliOutput.Percent(before.ClassRecall[k]))];
            rows[1] = [.. rows[1], .. recall.Keys.Select(k => CliOutput.Percent(after.ClassRecall[k]))];
        }

        o.Table("Before and after (final exit alone: accuracy " + CliOutput.Percent(result.FinalExitAccuracy) + ")", headers, rows);
        if (!result.ConstraintsSatisfied)
        {
            o.Warn("no evaluated threshold vector satisfies the constraints; the closest one was written. Loosen the constraints or use more --candidates.");
        }

        string target = outPath ?? modelPath;
        calibrated.Save(target);
        o.Line($"Wrote thresholds [{CliOutput.Thresholds(result.Thresholds)}] to {target}");
        return 0;
    }

    private static List<string> Row(string label, EarlyExitSimulation s, long fullMacs, string thresholds)
    {
        var row = new List<string> { label, thresholds, CliOutput.Percent(s.Accuracy), CliOutput.Macs(s.AverageMacs), CliOutput.Number(fullMacs / s.AverageMacs) + "x" };
        row.AddRange(s.ExitRates.Select(CliOutput.Percent));
        return row;
    }
}
