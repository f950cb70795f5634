namespace ClassyNet.MLNet.Training;

/// <summary>What a <c>MultiExitTrainer.Fit</c> call did.</summary>
/// <param name="Epochs">Metrics of each epoch run by this call (a resumed run lists only the new ones).</param>
/// <param name="StartEpoch">Epoch the run started from (1 unless resumed).</param>
/// <param name="Cancelled">True when cancellation stopped the run early (a checkpoint was written when configured).</param>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> Epochs, int StartEpoch, bool Cancelled);
