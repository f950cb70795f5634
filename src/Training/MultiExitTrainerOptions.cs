using ClassyNet.MLNet.Losses;

namespace ClassyNet.MLNet.Training;

/// <summary>Settings of <see cref="MultiExitTrainer"/>. Defaults follow the paper (Adam, learning rate 0.001).</summary>
public sealed class MultiExitTrainerOptions
{
    /// <summary>Class sets per exit; null means BranchyNet (every exit answers for every class).</summary>
    public ExitClassSets? ExitClasses { get; set; }

    /// <summary>Cost matrices (eq. 3/8); null means all ones (plain cross-entropy).</summary>
    public CostMatrices? CostMatrices { get; set; }

    /// <summary>w_m per exit (eq. 10); null means equal weights.</summary>
    public IReadOnlyList<float>? ExitLossWeights { get; set; }

    /// <summary>Entropy thresholds of the early exits, used for exit rates in the metrics and for instance masking.</summary>
    public IReadOnlyList<float>? ExitThresholds { get; set; }

    /// <summary>Zero the loss at later exits for samples that would already leave (paper V-D). Needs <see cref="ExitThresholds"/>.</summary>
    public bool InstanceMasking { get; set; }

    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Samples per step. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam learning rate. Default 0.001 (the paper's).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Adam L2 weight decay. Default 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>Reshuffle the training data every epoch. Default true.</summary>
    public bool Shuffle { get; set; } = true;

    /// <summary>
    /// Seed of the shuffling and of libtorch's generator for dropout (epoch e uses streams derived from seed and e, so a
    /// resumed run draws the same). Training is deterministic for a fixed seed and libtorch thread count. Default 0.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Fraction of the training data held out for per-epoch validation metrics, in [0, 1). Default 0.</summary>
    public float ValidationFraction { get; set; }

    /// <summary>Throw <see cref="NonFiniteLossException"/> naming the step and exit when a loss turns NaN or infinite. Default true.</summary>
    public bool ThrowOnNonFiniteLoss { get; set; } = true;

    /// <summary>Path of a checkpoint written (atomically) at the end of every epoch and on cancellation; null for none.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>Continue from <see cref="CheckpointPath"/> when it exists. Default true.</summary>
    public bool ResumeFromCheckpoint { get; set; } = true;

    /// <summary>
    /// The libtorch device to train on, as in PyTorch: <c>cpu</c> (default), <c>cuda</c> or <c>cuda:N</c>. CUDA needs a
    /// CUDA build of libtorch (a TorchSharp CUDA package instead of TorchSharp-cpu); without one the trainer says so.
    /// The network is moved to the device.
    /// </summary>
    public string Device { get; set; } = "cpu";
}
