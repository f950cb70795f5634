using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using TorchSharp;
using ClassyNet.MLNet.Training;

namespace ClassyNet.Cli;

/// <summary><c>classynet train</c>: trains a Baseline, BranchyNet, CN or CN+C model and writes the model bundle.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist, cifar10, svhn, csv or folder:ROOT (your images, one sub-folder per class).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset folder (fashion-mnist: default /usr/share/datasets/fashion-mnist; cifar10: cifar-10-batches-bin; svhn: folder of train_32x32.mat/test_32x32.mat) or the CSV file." };
        var labelColumn = new Option<string?>("--label-column") { Description = "CSV only: the label column's header name or 0-based index (default: the column named 'label', else the first)." };
        var preset = new Option<string?>("--preset") { Description = "Named setup: " + string.Join(", ", NamedPreset.All.Select(p => p.Name)) + ". Explicit options override it." };
        var arch = new Option<string?>("--arch") { Description = "Architecture: " + ArchitectureChoice.Names + ". Default r20 (mlp for csv)." };
        var exits = new Option<string?>("--exits") { Description = "ResNet exit layers, e.g. 7,13,20 (default: evenly spaced, the paper's for ResNet-110)." };
        var widths = new Option<string?>("--widths") { Description = "MLP stage widths, one per exit, e.g. 256,128,64 (default 128 each)." };
        var mode = new Option<string>("--mode") { Description = "baseline, branchynet (bn), cn or cn+c.", DefaultValueFactory = _ => "cn" };
        var exitClasses = new Option<string?>("--exit-classes") { Description = "Priority classes per early exit: \"9;8;6\" or by name, \"Ankle boot;Bag\" (groups by ';', classes by ','). With ic each exit also answers for the earlier exits' classes. Default 9;8 (or the preset's)." };
        var scheme = new Option<string>("--scheme") { Description = "ic (incremental) or mc (mutually exclusive).", DefaultValueFactory = _ => "ic" };
        var weights = new Option<string?>("--weights") { Description = "Exit loss weights, one per exit, e.g. 0.4,0.3,0.3." };
        var thresholds = new Option<string?>("--thresholds") { Description = "Entropy thresholds of the early exits, e.g. 0.3,0.2." };
        var costs = new Option<string?>("--costs") { Description = "cn+c: eq. 3 costs c1,c2,c3,c4 (default 0.5,1,1.5,2)." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 3 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { Description = "Seed of initialisation, shuffling and the validation split.", DefaultValueFactory = _ => 1 };
        var trainLimit = CliParsing.OptionalInt("--train-limit", "Use only the first N training samples.", 2000);
        var validationFraction = new Option<float>("--validation-fraction") { Description = "Fraction held out for validation metrics and later calibration.", DefaultValueFactory = _ => 0.1f };
        var normalize = new Option<string>("--normalize") { Description = "standardize (per-channel mean/std of the training data, stored in the model) or none.", DefaultValueFactory = _ => "standardize" };
        var output = new Option<string>("--out") { Description = "Model bundle to write (zip).", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file (default: <out>.ckpt). Written every epoch and on Ctrl+C." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint left by an interrupted run." };
        var imageShape = new ImageShapeOptions();
        var device = new Option<string>("--device") { Description = "libtorch device: cpu, cuda or cuda:N (CUDA needs a CUDA build of TorchSharp instead of TorchSharp-cpu).", DefaultValueFactory = _ => "cpu" };
        var command = new Command("train", "Train a multi-exit network (Baseline, BranchyNet, CN or CN+C) and write a model bundle. CSV format: one sample per line, comma separated (tab for .tsv), optional header, a label column (class index or name) and numeric feature columns.")
        {
            dataset, data, labelColumn, preset, arch, exits, widths, mode, exitClasses, scheme, weights, thresholds, costs, epochs, batchSize, lr, seed, trainLimit, validationFraction, normalize, output, checkpoint, resume, device,
        };
        imageShape.AddTo(command);
        command.SetAction(result => Run(context, new Settings(
            result.GetValue(dataset)!, result.GetValue(data), result.GetValue(labelColumn), result.GetValue(preset), result.GetValue(arch), result.GetValue(exits), result.GetValue(widths),
            result.GetValue(mode)!, result.GetValue(exitClasses), result.GetValue(scheme)!, result.GetValue(weights), result.GetValue(thresholds), result.GetValue(costs),
            result.GetValue(epochs), result.GetValue(batchSize), result.GetValue(lr), result.GetValue(seed), result.GetValue(trainLimit), result.GetValue(validationFraction),
            result.GetValue(normalize)!, result.GetValue(output)!, result.GetValue(checkpoint), result.GetValue(resume), result.GetValue(device)!) { ImageShape = imageShape.Shape(result, result.GetValue(dataset)) }));
        return command;
    }

    private static int Run(CliContext context, Settings s)
    {
        var o = context.Output;
        string datasetName = DataSource.Normalize(s.Dataset);
        var named = s.Preset is null ? null : NamedPreset.Find(s.Preset);
        var modeValue = CliParsing.Mode(s.Mode);
        var schemeValue = CliParsing.Scheme(s.Scheme);
        if (s.Epochs < 1 || s.BatchSize < 1 || !(s.LearningRate > 0) || !(s.ValidationFraction >= 0 && s.ValidationFraction < 1))
        {
            throw new CliException($"--epochs ({s.Epochs}) and --batch-size ({s.BatchSize}) must be >= 1, --lr ({s.LearningRate}) > 0 and --validation-fraction ({s.ValidationFraction}) in [0, 1).");
        }

        if (s.Normalize is not ("standardize" or "none"))
        {
            throw new CliException($"Unknown --normalize '{s.Normalize}'; expected standardize or none.");
        }

        if (s.Out.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(s.Out))
        {
            throw new CliException($"--out '{s.Out}' is a folder; give the model file to write, e.g. model.zip.");
        }

        string? outDir = Path.GetDirectoryName(Path.GetFullPath(s.Out));
        if (outDir is not null && !Directory.Exists(outDir))
        {
            throw new CliException($"--out folder '{outDir}' does not exist.");
        }

        // Parse everything that needs no data first, so malformed options fail before a long load.
        var weightValues = s.Weights is null ? null : CliParsing.Floats(s.Weights, "--weights");
        var thresholdValues = s.Thresholds is null ? null : CliParsing.Floats(s.Thresholds, "--thresholds");
        var costValues = s.Costs is null ? null : CliParsing.Floats(s.Costs, "--costs");
        if (costValues is not null && costValues.Length != 4)
        {
            throw new CliException($"--costs needs 4 values c1,c2,c3,c4 (eq. 3); got {costValues.Length}.");
        }

        var exitLayers = s.Exits is null ? named?.Exits : CliParsing.Ints(s.Exits, "--exits");
        var widthValues = s.Widths is null ? null : CliParsing.Ints(s.Widths, "--widths");
        string archName = s.Arch ?? named?.Arch ?? (datasetName == "csv" ? "mlp" : "r20");

        string checkpointPath = s.Checkpoint ?? s.Out + ".ckpt";
        if (s.Resume && !File.Exists(checkpointPath))
        {
            throw new CliException($"--resume: no checkpoint at '{checkpointPath}' (an interrupted run leaves one there; pass --checkpoint if it was elsewhere).");
        }

        o.Line($"Loading {datasetName} (train split{(s.TrainLimit is int l ? $", first {l}" : string.Empty)}) ...");
        var (train, classNames) = DataSource.Load(datasetName, s.Data, "train", s.TrainLimit, s.LabelColumn, imageShape: s.ImageShape, output: o);
        int classes = classNames.Count;
        string exitClassText = s.ExitClasses ?? named?.ExitClasses ?? DefaultExitClasses(classes, exitLayers?.Length ?? widthValues?.Length ?? 3);
        var priorities = CliParsing.ExitClasses(ExitClassNames.ToIndices(exitClassText, classNames), classes);
        int exitCount = priorities.Length + 1;
        int presetExits = named is null ? exitCount : named.ExitClasses.Split(';').Length + 1;
        if (named is not null && s.Exits is null && (s.Arch is null || named.Exits is not null) && presetExits != exitCount)
        {
            string layout = named.Exits is null ? $"--arch {named.Arch}" : $"exits after layers {string.Join(", ", named.Exits)}";
            throw new CliException($"--preset {named.Name} builds {presetExits} exits ({layout}), but --exit-classes \"{exitClassText}\" gives {priorities.Length} early-exit groups, i.e. {exitCount} exits. " +
                $"Give {presetExits - 1} groups (the preset's are \"{named.ExitClasses}\"), or place {exitCount} exits yourself with --exits (ResNets).");
        }

        var weightsUsed = weightValues ?? (named is not null && named.Weights.Length == exitCount ? named.Weights : DefaultWeights(exitCount));
        var thresholdsUsed = thresholdValues ?? (named is not null && named.Thresholds.Length == exitCount - 1 ? named.Thresholds : DefaultThresholds(exitCount));
        if (weightsUsed.Length != exitCount)
        {
            throw new CliException($"--weights has {weightsUsed.Length} values but the network has {exitCount} exits ({priorities.Length} --exit-classes groups + the final exit).");
        }

        if (thresholdsUsed.Length != exitCount - 1 && thresholdsUsed.Length != exitCount)
        {
            throw new CliException($"--thresholds has {thresholdsUsed.Length} values; the network has {exitCount - 1} early exits, one threshold each.");
        }

        var spec = ArchitectureChoice.Spec(archName, exitCount, exitLayers, widthValues, train.SampleShape, classes);
        ClassyNetPreset preset;
        try
        {
            var costMatrices = costValues is null ? null : CostMatrices.Targeted(costValues[0], costValues[1], costValues[2], costValues[3]);
            preset = ClassyNetPreset.Create(modeValue, classes, priorities, weightsUsed, thresholdsUsed, schemeValue, costMatrices);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--exit-classes \"{exitClassText}\" with --scheme {s.Scheme}: {Program.UserMessage(e)}");
        }

        spec = spec.WithExitOutputs(preset.ExitClasses.OutputCounts());
        var shaped = train.SampleShape.SequenceEqual(spec.InputShape) ? train : new(train.Features, train.Labels, [.. spec.InputShape]);
        var normalization = s.Normalize == "standardize" ? InputNormalization.Fit(shaped) : InputNormalization.Identity;
        var prepared = normalization.Apply(shaped);

        using var generator = new torch.Generator(unchecked((ulong)(uint)s.Seed));
        var network = spec.Build(generator);
        var options = preset.Apply(new MultiExitTrainerOptions
        {
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            LearningRate = s.LearningRate,
            Seed = s.Seed,
            ValidationFraction = s.ValidationFraction,
            CheckpointPath = checkpointPath,
            ResumeFromCheckpoint = s.Resume,
            Device = s.Device,
        });
        var trainer = new MultiExitTrainer(network, options);
        string modeName = CliParsing.ModeName(modeValue);
        o.Line($"{train.Count} samples of shape [{string.Join(", ", train.SampleShape)}], {classes} classes; {spec}");
        o.Line($"mode {modeName}: {preset.ExitClasses}; weights [{CliParsing.Format(preset.ExitLossWeights)}]; thresholds [{CliOutput.Thresholds(preset.ExitThresholds)}]; normalisation {normalization}");
        if (s.Resume)
        {
            o.Line($"Resuming from checkpoint '{checkpointPath}'.");
        }

        var watch = Stopwatch.StartNew();
        TrainingResult history;
        TrainingProgress? last = null;
        bool baseline = modeValue == ClassyNetMode.Baseline;
        try
        {
            history = o.WithProgress("train", sink => trainer.Fit(prepared, new SyncProgress(p =>
            {
                if (s.Resume && last is null)
                {
                    sink.Message(p.BatchInEpoch > 1
                        ? $"Resumed in epoch {p.Epoch} at batch {p.BatchInEpoch} of about {BatchesPerEpoch(p.EpochSize, s.BatchSize)} (the batches done before the interruption are not repeated)."
                        : $"Resumed at the start of epoch {p.Epoch}.");
                }

                last = p;
                if (p.CompletedEpoch is { } epoch)
                {
                    // Each epoch's line as soon as its validation pass ends, not after the last epoch.
                    sink.Message(EpochLine(epoch, baseline));
                    return;
                }

                sink.Report($"epoch {p.Epoch}/{p.Epochs}", p.SamplesInEpoch, p.EpochSize, string.Create(CultureInfo.InvariantCulture, $"loss {p.EpochMeanLoss:F3} (epoch mean), {p.SamplesPerSecond:F0} samples/s"));
            }), context.Cancellation));
        }
        catch (InvalidDataException e) when (s.Resume)
        {
            throw new CliException($"--resume: the checkpoint '{checkpointPath}' does not fit this run (same --arch, --mode, --exit-classes and dataset needed): {e.Message}");
        }

        if (history.Cancelled)
        {
            string where = last is null || last.CompletedEpoch is not null
                ? $"after {history.StartEpoch - 1 + history.Epochs.Count} completed epoch(s)"
                : $"in epoch {last.Epoch} after batch {last.BatchInEpoch} of about {BatchesPerEpoch(last.EpochSize, s.BatchSize)} ({history.StartEpoch - 1 + history.Epochs.Count} epoch(s) completed)";
            o.Error.WriteLine($"Interrupted {where}: checkpoint saved to '{checkpointPath}'. Run the same command with --resume to continue from the next batch; nothing done is trained again.");
            return 130;
        }

        var metadata = new Dictionary<string, string>
        {
            ["dataset"] = datasetName,
            ["data"] = s.Data ?? string.Empty,
            ["arch"] = archName,
            ["mode"] = modeName,
            ["scheme"] = s.Scheme,
            ["exitClasses"] = exitClassText,
            ["weights"] = CliParsing.Format(preset.ExitLossWeights),
            ["trainedThresholds"] = CliParsing.Format(preset.ExitThresholds),
            ["epochs"] = s.Epochs.ToString(CultureInfo.InvariantCulture),
            ["batchSize"] = s.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["learningRate"] = s.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["trainLimit"] = s.TrainLimit?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            ["trainSamples"] = train.Count.ToString(CultureInfo.InvariantCulture),
            ["sampleShape"] = string.Join(",", train.SampleShape),
            ["validationFraction"] = s.ValidationFraction.ToString("R", CultureInfo.InvariantCulture),
            ["labelColumn"] = s.LabelColumn ?? string.Empty,
            ["trainSeconds"] = watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
            ["finalLoss"] = history.Epochs.Count == 0 ? string.Empty : history.Epochs[^1].Loss.ToString("R", CultureInfo.InvariantCulture),
            ["createdUtc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        if (named is not null)
        {
            metadata["preset"] = named.Name;
        }

        if (costValues is not null)
        {
            metadata["costs"] = CliParsing.Format(costValues);
        }

        var model = new ClassyNetModel(spec, network, preset.ExitClasses, preset.ExitThresholds)
        {
            ClassNames = classNames,
            Normalization = normalization,
            Mode = modeName,
            Metadata = metadata,
        };
        model.Save(s.Out);
        if (File.Exists(checkpointPath))
        {
            File.Delete(checkpointPath);
        }

        o.Line($"Wrote {s.Out} ({new FileInfo(s.Out).Length / 1024.0:F0} KiB) in {watch.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    /// <summary>
    /// "epoch 2: loss 0.4182 (mean of the epoch's steps), 212 samples/s; validation exit accuracy 81.0% / 77.5% / 88.0%, exit rates ...".
    /// The baseline trains only its final exit, so its untrained early exits' numbers are not shown.
    /// </summary>
    internal static string EpochLine(EpochMetrics epoch, bool baseline)
    {
        string val = epoch.Validation is null ? string.Empty
            : baseline ? $"; validation accuracy {CliOutput.Percent(epoch.Validation[^1].Accuracy)} (final exit; the baseline does not train its early exits, so they are not evaluated)"
            : "; validation exit accuracy " + string.Join(" / ", epoch.Validation.Select(v => CliOutput.Percent(v.Accuracy))) + ", exit rates " + string.Join(" / ", epoch.Validation.Select(v => CliOutput.Percent(v.ExitRate)));
        return string.Create(CultureInfo.InvariantCulture, $"epoch {epoch.Epoch}: loss {epoch.Loss:F4} (mean of the epoch's steps), {epoch.SamplesPerSecond:F0} samples/s{val}");
    }

    private static int BatchesPerEpoch(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    private static string DefaultExitClasses(int classes, int exits)
    {
        // The paper's priorities (9, 8, 6, 1, 7, 0) when they exist, otherwise the highest class indices.
        var order = classes == 10 ? PaperPresets.SevenExitPriorityClasses.ToList() : Enumerable.Range(0, classes).Reverse().ToList();
        int early = Math.Clamp(exits - 1, 1, Math.Min(order.Count, classes - 1));
        return string.Join(";", order.Take(early).Select(c => c.ToString(CultureInfo.InvariantCulture)));
    }

    private static float[] DefaultWeights(int exits) => exits switch
    {
        3 => [.. PaperPresets.R20ThreeExitWeights],
        7 => [.. PaperPresets.ResNet110SevenExitWeights],
        _ => Enumerable.Repeat(1f / exits, exits).ToArray(),
    };

    private static float[] DefaultThresholds(int exits) => exits switch
    {
        3 => [0.3f, 0.2f],
        7 => [.. PaperPresets.ResNet110SevenExitThresholds],
        _ => Enumerable.Range(0, exits - 1).Select(m => m < ((exits - 1) / 2) + 1 ? 0.3f : 0.2f).ToArray(),
    };

    private sealed record Settings(
        string Dataset, string? Data, string? LabelColumn, string? Preset, string? Arch, string? Exits, string? Widths, string Mode, string? ExitClasses, string Scheme,
        string? Weights, string? Thresholds, string? Costs, int Epochs, int BatchSize, double LearningRate, int Seed, int? TrainLimit, float ValidationFraction,
        string Normalize, string Out, string? Checkpoint, bool Resume, string Device)
    {
        public int[]? ImageShape { get; init; }
    }

    /// <summary>Calls back on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
