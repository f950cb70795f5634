namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>What one pruning run produced, measured: size, accuracy and latency before and after.</summary>
public sealed record PruningResult
{
    /// <summary><c>magnitude</c> or <c>hrank</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The target as given, e.g. <c>budget 2.31 MB</c> or <c>reduction 97.94%</c>.</summary>
    public required string Target { get; init; }

    /// <summary>Most non-zero trainable parameters the target allows.</summary>
    public required long MaxParameters { get; init; }

    /// <summary>Trainable parameters of the single-exit baseline.</summary>
    public required long BaselineParameters { get; init; }

    /// <summary>Trainable parameters of the pruned network's tensors (magnitude: unchanged, the tensors stay dense).</summary>
    public required long Parameters { get; init; }

    /// <summary>Non-zero trainable parameters after fine-tuning.</summary>
    public required long NonZeroParameters { get; init; }

    /// <summary>1 - non-zero parameters / baseline parameters.</summary>
    public double Reduction => 1 - ((double)NonZeroParameters / BaselineParameters);

    /// <summary>The paper's formula over the non-zero parameters: x 4 bytes x the formula's batch size.</summary>
    public required long PaperFormulaBytes { get; init; }

    /// <summary>Multiply-accumulates per image of the baseline.</summary>
    public required long BaselineMacs { get; init; }

    /// <summary>Multiply-accumulates per image a dense executor runs for the pruned network.</summary>
    public required long Macs { get; init; }

    /// <summary>Test accuracy of the baseline.</summary>
    public required double BaselineAccuracy { get; init; }

    /// <summary>Test accuracy right after pruning, before fine-tuning.</summary>
    public required double AccuracyBeforeFineTune { get; init; }

    /// <summary>Test accuracy after fine-tuning.</summary>
    public required double Accuracy { get; init; }

    /// <summary>Median milliseconds of one forward pass of a batch of <see cref="LatencyBatchSize"/> through the baseline.</summary>
    public required double BaselineLatencyMs { get; init; }

    /// <summary>The same for the pruned network, timed in turns with the baseline (one pass of each per round).</summary>
    public required double LatencyMs { get; init; }

    /// <summary>Batch size of the latency figures.</summary>
    public required int LatencyBatchSize { get; init; }

    /// <summary>Test images the accuracies are over.</summary>
    public required int TestSamples { get; init; }

    /// <summary>Fine-tuning epochs run.</summary>
    public required int FineTuneEpochs { get; init; }

    /// <summary>Training images per fine-tuning epoch.</summary>
    public required int FineTuneSamples { get; init; }

    /// <summary>Wall-clock seconds of fine-tuning.</summary>
    public required double FineTuneSeconds { get; init; }

    /// <summary>Method detail: the sensitivity s for magnitude pruning, the kept widths for HRank.</summary>
    public required string Detail { get; init; }

    /// <summary>Where latency was measured (processor, cores) and with how many libtorch threads.</summary>
    public required string Machine { get; init; }
}
