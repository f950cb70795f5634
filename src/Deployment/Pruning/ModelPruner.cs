using System.Diagnostics;
using System.Globalization;
using ClassyNet.MLNet.Data;
using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Deployment.Planning;
using ClassyNet.MLNet.Inference;
using ClassyNet.MLNet.Losses;
using ClassyNet.MLNet.Networks;
using ClassyNet.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>
/// The paper's pruning baselines end to end: take the single-exit baseline of a model, prune it to a memory budget
/// (or a reduction) with <see cref="MagnitudePruner"/> or <see cref="FilterRankPruner"/>, fine-tune it, and measure
/// its accuracy and latency beside the baseline's.
/// </summary>
public static class ModelPruner
{
    /// <summary>
    /// Prunes <paramref name="model"/>'s single-exit baseline (<see cref="SingleExitBaseline.From"/>; the model itself is
    /// not changed), fine-tunes on <paramref name="train"/> and measures on <paramref name="test"/> (both raw, as
    /// loaded). <paramref name="log"/> receives one line per step.
    /// </summary>
    public static PruningOutcome Prune(ClassyNetModel model, TensorDataset train, TensorDataset test, PruningOptions options, IProgress<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        var baseline = SingleExitBaseline.From(model);
        var network = Copy(baseline);
        var preparedTrain = baseline.PrepareInputs(train);
        var preparedTest = baseline.PrepareInputs(test);
        if (preparedTrain.Count == 0 || preparedTest.Count == 0)
        {
            throw new ArgumentException($"Pruning needs training data (for fine-tuning{(options.Method == PruningMethod.HRank ? " and the rank calibration" : string.Empty)}) and test data; got {preparedTrain.Count} and {preparedTest.Count} samples.", preparedTrain.Count == 0 ? nameof(train) : nameof(test));
        }

        var inputShape = baseline.InputShape;
        long baselineParameters = network.parameters().Sum(p => p.numel());
        var (maxParameters, target) = Target(options, baselineParameters);
        var before = new PrunedModel(options.Method, baseline.Spec, null, network, baseline.Normalization, baseline.ClassNames);
        double baselineAccuracy = before.AccuracyPrepared(preparedTest);
        log?.Report($"Baseline: {baselineParameters:N0} parameters, test accuracy {baselineAccuracy:P2}; target {target}: at most {maxParameters:N0} non-zero parameters.");

        MultiExitNetwork pruned;
        ChannelPlan? plan = null;
        PruningMasks? masks = null;
        string detail;
        if (options.Method == PruningMethod.Magnitude)
        {
            pruned = network;
            masks = MagnitudePruner.Prune(pruned, maxParameters);
            detail = string.Create(CultureInfo.InvariantCulture, $"sensitivity s = {masks.Sensitivity:G4} (weights below s x std of their layer removed)");
        }
        else
        {
            int calibrationCount = Math.Min(options.CalibrationSamples, preparedTrain.Count);
            using var calibration = HostTensors.Floats(preparedTrain.Features.AsSpan(0, calibrationCount * preparedTrain.SampleSize), [calibrationCount, .. inputShape.Select(d => (long)d)]);
            var ranks = FilterRankPruner.MeasureRanks(network, calibration);
            plan = FilterRankPruner.PlanFor(network, maxParameters);
            pruned = FilterRankPruner.Prune(network, ranks, plan);
            network.Dispose();
            var widths = plan.Blocks.Select(b => b.Out).Distinct();
            detail = $"ranks over {calibrationCount} training images; stem {plan.StemWidth} channels, stream widths [{string.Join(", ", widths)}], inner widths [{string.Join(", ", plan.Blocks.Select(b => b.Mid))}]";
        }

        cancellationToken.ThrowIfCancellationRequested();
        var result = new PrunedModel(options.Method, baseline.Spec, plan, pruned, baseline.Normalization, baseline.ClassNames);
        double accuracyBefore = result.AccuracyPrepared(preparedTest);
        log?.Report($"Pruned ({detail}): {MagnitudePruner.NonZeroParameters(pruned):N0} non-zero parameters, test accuracy {accuracyBefore:P2} before fine-tuning.");

        var watch = Stopwatch.StartNew();
        if (options.FineTuneEpochs > 0)
        {
            FineTune(pruned, preparedTrain, options, masks, log, cancellationToken);
        }

        double seconds = watch.Elapsed.TotalSeconds;
        masks?.Dispose();
        double accuracy = result.AccuracyPrepared(preparedTest);
        long nonZero = MagnitudePruner.NonZeroParameters(pruned);
        var latencies = StageLatencyProfiler.MeasureForward([baseline.Network, pruned], inputShape, options.LatencyBatchSize, options.LatencyRepeats);
        double baselineLatency = latencies[0], latency = latencies[1];
        var outcome = new PruningResult
        {
            Method = options.Method == PruningMethod.Magnitude ? "magnitude" : "hrank",
            Target = target,
            MaxParameters = maxParameters,
            BaselineParameters = baselineParameters,
            Parameters = pruned.parameters().Sum(p => p.numel()),
            NonZeroParameters = nonZero,
            PaperFormulaBytes = PaperMemoryFormula.Bytes(nonZero, batchSize: options.FormulaBatchSize),
            BaselineMacs = NetworkAccounting.Measure(baseline.Network, inputShape).TotalMacs,
            Macs = NetworkAccounting.Measure(pruned, inputShape).TotalMacs,
            BaselineAccuracy = baselineAccuracy,
            AccuracyBeforeFineTune = accuracyBefore,
            Accuracy = accuracy,
            BaselineLatencyMs = baselineLatency,
            LatencyMs = latency,
            LatencyBatchSize = options.LatencyBatchSize,
            TestSamples = preparedTest.Count,
            FineTuneEpochs = options.FineTuneEpochs,
            FineTuneSamples = preparedTrain.Count,
            FineTuneSeconds = seconds,
            Detail = detail,
            Machine = $"{StageLatencyProfiler.MachineName()}, {get_num_threads()} libtorch threads",
        };
        log?.Report(string.Create(CultureInfo.InvariantCulture, $"After fine-tuning: test accuracy {accuracy:P2}; latency {latency:F2} ms per batch of {options.LatencyBatchSize} (baseline {baselineLatency:F2} ms)."));
        return new PruningOutcome(result.WithResult(outcome), outcome);
    }

    /// <summary>
    /// The largest number of non-zero parameters the options' target allows for a baseline of
    /// <paramref name="baselineParameters"/>, and the target in words.
    /// </summary>
    public static (long MaxParameters, string Target) Target(PruningOptions options, long baselineParameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        if (options.Budget is { } budget)
        {
            return (PaperMemoryFormula.MaxParameters(budget.Bytes, batchSize: options.FormulaBatchSize), $"budget {budget.Label}");
        }

        double r = options.Reduction!.Value;
        return ((long)Math.Floor((1 - r) * baselineParameters), string.Create(CultureInfo.InvariantCulture, $"reduction {r:P2}"));
    }

    private static void FineTune(MultiExitNetwork network, TensorDataset train, PruningOptions options, PruningMasks? masks, IProgress<string>? log, CancellationToken cancellationToken)
    {
        int exits = network.ExitCount, classes = network.Exits[^1].Outputs;
        var weights = new float[exits];
        weights[^1] = 1f;
        var trainer = new MultiExitTrainer(network, new MultiExitTrainerOptions
        {
            ExitClasses = ExitClassSets.AllClasses(exits, classes),
            ExitLossWeights = weights,
            Epochs = options.FineTuneEpochs,
            BatchSize = options.FineTuneBatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Device = options.Device,
        });
        var result = trainer.Fit(train, masks is null ? null : new MaskKeeper(masks, network), cancellationToken);
        if (result.Cancelled)
        {
            throw new OperationCanceledException("Fine-tuning was cancelled.", cancellationToken);
        }

        foreach (var epoch in result.Epochs)
        {
            log?.Report(string.Create(CultureInfo.InvariantCulture, $"Fine-tuning epoch {epoch.Epoch}: loss {epoch.Loss:F4}."));
        }
    }

    private static MultiExitNetwork Copy(ClassyNetModel baseline)
    {
        var copy = baseline.Spec.Build();
        copy.load_state_dict(baseline.Network.state_dict());
        copy.to(baseline.Network.Device);
        copy.eval();
        return copy;
    }

    private static void CheckOptions(PruningOptions o)
    {
        if ((o.Budget is null) == (o.Reduction is null))
        {
            throw new ArgumentException("Give exactly one pruning target: options.Budget (a memory size) or options.Reduction (a fraction of parameters to remove).", "options");
        }

        if (o.Reduction is double r && !(r >= 0 && r < 1))
        {
            throw new ArgumentOutOfRangeException("options", r, $"options.Reduction is {r}; expected a fraction in [0, 1).");
        }

        if (!Enum.IsDefined(o.Method))
        {
            throw new ArgumentOutOfRangeException("options", o.Method, "options.Method must be Magnitude or HRank.");
        }

        if (o.FineTuneEpochs < 0 || o.FineTuneBatchSize < 1 || o.CalibrationSamples < 1 || o.LatencyBatchSize < 1 || o.LatencyRepeats < 1 || o.FormulaBatchSize < 1 || !(o.LearningRate > 0))
        {
            throw new ArgumentOutOfRangeException("options", $"options.FineTuneEpochs ({o.FineTuneEpochs}) must be >= 0, LearningRate ({o.LearningRate}) > 0, and FineTuneBatchSize ({o.FineTuneBatchSize}), CalibrationSamples ({o.CalibrationSamples}), LatencyBatchSize ({o.LatencyBatchSize}), LatencyRepeats ({o.LatencyRepeats}) and FormulaBatchSize ({o.FormulaBatchSize}) >= 1.");
        }
    }

    /// <summary>Re-applies the masks after every optimiser step (the trainer reports progress synchronously after each step).</summary>
    private sealed class MaskKeeper(PruningMasks masks, MultiExitNetwork network) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => masks.Apply(network);
    }
}
