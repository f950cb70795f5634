namespace ClassyNet.MLNet.Training;

/// <summary>
/// Progress report sent after each training step, and once more when an epoch ends (then with
/// <see cref="CompletedEpoch"/> set, after the validation pass).
/// </summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">Global step count so far.</param>
/// <param name="SamplesInEpoch">Samples of the current epoch done so far (a resumed epoch counts the batches done before the interruption too).</param>
/// <param name="EpochSize">Training samples per epoch.</param>
/// <param name="Loss">Joint loss of the last step (it jumps on a small last batch; see <see cref="EpochMeanLoss"/>).</param>
/// <param name="SamplesPerSecond">Throughput of the current epoch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, long Step, int SamplesInEpoch, int EpochSize, float Loss, double SamplesPerSecond)
{
    /// <summary>Mean joint loss of the steps run so far in this epoch (by this run: a resumed epoch starts its mean at the resume point).</summary>
    public double EpochMeanLoss { get; init; }

    /// <summary>Batches of the current epoch done so far, including those done before an interruption.</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>The metrics of the epoch that just ended (training and validation), on the report sent at its end; null on step reports.</summary>
    public EpochMetrics? CompletedEpoch { get; init; }
}
