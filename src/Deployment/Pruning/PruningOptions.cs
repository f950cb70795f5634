using ClassyNet.MLNet.Deployment.Budgets;

namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>Settings of <see cref="ModelPruner.Prune"/>. Give exactly one of <see cref="Budget"/> and <see cref="Reduction"/>.</summary>
public sealed class PruningOptions
{
    /// <summary>Magnitude (sensitivity) or HRank. Required.</summary>
    public required PruningMethod Method { get; init; }

    /// <summary>
    /// Device memory to fit under the paper's formula: at most budget / (4 bytes x <see cref="FormulaBatchSize"/>) non-zero
    /// trainable parameters. Default null.
    /// </summary>
    public MemoryBudget? Budget { get; init; }

    /// <summary>Fraction of the baseline's trainable parameters to remove, e.g. 0.9794 (the paper's reduction for 2.31 MB). Default null.</summary>
    public double? Reduction { get; init; }

    /// <summary>Batch size in the paper's memory formula. Default 16.</summary>
    public int FormulaBatchSize { get; init; } = PaperMemoryFormula.BatchSize;

    /// <summary>Fine-tuning epochs after pruning (Adam on the final exit's cross-entropy); 0 for none. Default 1.</summary>
    public int FineTuneEpochs { get; init; } = 1;

    /// <summary>Fine-tuning batch size. Default 64.</summary>
    public int FineTuneBatchSize { get; init; } = 64;

    /// <summary>Fine-tuning learning rate. Default 1e-3 (the paper's Adam rate).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>HRank: training images whose feature-map ranks decide which filters stay. Default 256.</summary>
    public int CalibrationSamples { get; init; } = 256;

    /// <summary>Batch size the latency is measured at. Default 16 (the paper's).</summary>
    public int LatencyBatchSize { get; init; } = PaperMemoryFormula.BatchSize;

    /// <summary>Timed forward passes per latency figure (the median is reported). Default 7.</summary>
    public int LatencyRepeats { get; init; } = 7;

    /// <summary>Seed of fine-tuning's shuffle. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>libtorch device for fine-tuning. Default cpu.</summary>
    public string Device { get; init; } = "cpu";
}
