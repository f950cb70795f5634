using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClassyNet.MLNet.Evaluation;

namespace ClassyNet.Cli;

/// <summary><c>classynet evaluate</c>: accuracy, confusion matrix, exit table per class, MACs and speedup of a model.</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "Model bundle (zip) written by 'classynet train'." };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn, csv or folder:ROOT (see 'train --help').", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder or CSV file (see 'train --help')." };
        var split = new Option<string>("--split") { Description = "train, test or validation (the part of the training data the model held out).", DefaultValueFactory = _ => "test" };
        var limit = CliParsing.OptionalInt("--limit", "Use only the first N samples.", 1000);
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV only: label column (default: as at training)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per early-exit batch.", DefaultValueFactory = _ => 256 };
        var json = new Option<string?>("--json") { Description = "Also write every number to this JSON file." };
        var command = new Command("evaluate", "Evaluate a model with batched early exit: accuracy, confusion matrix, exits per class, average MACs and speedup over the full network.")
        {
            model, dataset, data, split, limit, labelColumn, batchSize, json,
        };
        command.SetAction(r => Run(context, r.GetValue(model)!, r.GetValue(dataset)!, r.GetValue(data), r.GetValue(split)!, r.GetValue(limit), r.GetValue(labelColumn), r.GetValue(batchSize), r.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataset, string? data, string split, int? limit, string? labelColumn, int batchSize, string? jsonPath)
    {
        var o = context.Output;
        CliParsing.Require(batchSize >= 1, "--batch-size", ">= 1", batchSize);

        var model = ModelData.LoadModel(modelPath);
        var (test, description) = ModelData.Load(model, modelPath, dataset, data, split, limit, labelColumn, o);
        var predictor = model.CreatePredictor();
        var run = o.WithProgress("evaluate", sink => StreamedRun.Run(model, predictor, test, batchSize, context.Cancellation, done => sink.Report("early exit", done, test.Count, string.Empty)));
        double seconds = run.PredictSeconds;
        var eval = run.Evaluation;
        var names = ModelData.ClassNames(model);
        long fullMacs = predictor.Accounting.Exits[^1].PrefixMacs;
        long allExitsMacs = predictor.Accounting.Exits[^1].EarlyExitMacs;

        o.Line($"Model {modelPath}: {model}");
        if (model.Mode == "baseline" && model.ExitCount > 1)
        {
            o.Line("The baseline trains only its final exit: its early exits are untrained and off (threshold 0), so every sample leaves at the last exit.");
        }

        o.Line($"Data: {description}");
        o.Line(string.Create(CultureInfo.InvariantCulture, $"Accuracy: {CliOutput.Percent(eval.Accuracy)} ({Enumerable.Range(0, model.ClassCount).Sum(k => eval.Confusion(k, k))} of {eval.Count} correct)"));
        o.Line(string.Create(CultureInfo.InvariantCulture, $"Average MACs per sample: {CliOutput.Macs(eval.AverageMacs)}; full network (all stages and the final exit, no early-exit heads): {CliOutput.Macs(fullMacs)}; speedup {fullMacs / eval.AverageMacs:F2}x"));
        o.Line(string.Create(CultureInfo.InvariantCulture, $"Early-exit time: {seconds * 1000 / eval.Count:F3} ms per sample ({eval.Count / seconds:F0} samples/s, batches of {batchSize}; one pass, reading the data not counted; 'classynet report' times models against each other)"));

        o.Heading("Exits per class (samples and share of the class)");
        var exitHeaders = new List<string> { "class" };
        exitHeaders.AddRange(Enumerable.Range(1, model.ExitCount).Select(e => $"exit {e}"));
        exitHeaders.AddRange(["recall", "avg MACs"]);
        var recall = eval.ClassRecall();
        var rows = new List<IReadOnlyList<string>>();
        for (int k = 0; k < model.ClassCount; k++)
        {
            var row = new List<string> { CliOutput.ClassLabel(k, names) };
            row.AddRange(Enumerable.Range(0, model.ExitCount).Select(e => $"{eval.ExitCountOf(k, e)} ({CliOutput.Percent(eval.ExitRate(k, e))})"));
            row.Add(CliOutput.Percent(recall[k]));
            row.Add(CliOutput.Macs(eval.ClassAverageMacs[k]));
            rows.Add(row);
        }

        var rates = eval.ExitRates();
        var total = new List<string> { "all" };
        total.AddRange(Enumerable.Range(0, model.ExitCount).Select(e => $"{(int)Math.Round(rates[e] * eval.Count)} ({CliOutput.Percent(rates[e])})"));
        total.Add(CliOutput.Percent(eval.Accuracy));
        total.Add(CliOutput.Macs(eval.AverageMacs));
        rows.Add(total);
        o.Table(null, exitHeaders, rows);

        o.Heading("Confusion matrix (rows: true class, columns: predicted)");
        var confusion = eval.ConfusionMatrix();
        o.Table(null, ["true \\ pred", .. Enumerable.Range(0, model.ClassCount).Select(k => k.ToString(CultureInfo.InvariantCulture))],
            Enumerable.Range(0, model.ClassCount).Select(k => (IReadOnlyList<string>)[CliOutput.ClassLabel(k, names), .. confusion[k].Select(c => c.ToString(CultureInfo.InvariantCulture))]));

        if (jsonPath is not null)
        {
            var doc = new Dictionary<string, object?>
            {
                ["model"] = modelPath,
                ["mode"] = model.Mode,
                ["data"] = description,
                ["count"] = eval.Count,
                ["classNames"] = names,
                ["accuracy"] = eval.Accuracy,
                ["classRecall"] = recall.Select(JsonNumber).ToArray(),
                ["confusionMatrix"] = confusion,
                ["exitCounts"] = eval.ExitCountRows(),
                ["exitRates"] = rates,
                ["classExitRates"] = Enumerable.Range(0, model.ClassCount).Select(k => Enumerable.Range(0, model.ExitCount).Select(e => eval.ExitRate(k, e)).ToArray()).ToArray(),
                ["averageMacs"] = eval.AverageMacs,
                ["classAverageMacs"] = eval.ClassAverageMacs.Select(JsonNumber).ToArray(),
                ["fullNetworkMacs"] = fullMacs,
                ["allExitsMacs"] = allExitsMacs,
                ["speedup"] = fullMacs / eval.AverageMacs,
                ["executedMacs"] = run.ExecutedMacs,
                ["thresholds"] = model.Thresholds,
                ["policy"] = model.Policy.ToString(),
                ["exitClasses"] = model.ExitClasses.ToString(),
                ["seconds"] = seconds,
                ["msPerSample"] = seconds * 1000 / eval.Count,
                ["batchSize"] = batchSize,
            };
            WriteJson(jsonPath, doc);
            o.Line($"Wrote {jsonPath}");
        }

        return 0;
    }

    internal static double? JsonNumber(double value) => double.IsFinite(value) ? value : null;

    internal static void WriteJson(string path, object document)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        string temp = full + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, full, overwrite: true);
    }
}
