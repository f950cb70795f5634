namespace ClassyNet.MLNet.Training;

/// <summary>Per-epoch results of <see cref="MultiExitTrainer"/>.</summary>
/// <param name="Epoch">Epoch number, 1-based.</param>
/// <param name="Loss">Mean joint loss (eq. 10) over the epoch's steps.</param>
/// <param name="Train">Per-exit metrics on the training batches (network in training mode).</param>
/// <param name="Validation">Per-exit metrics on the held-out data (evaluation mode), or null without a validation split.</param>
/// <param name="SamplesPerSecond">Training throughput.</param>
public sealed record EpochMetrics(int Epoch, double Loss, IReadOnlyList<ExitEpochMetrics> Train, IReadOnlyList<ExitEpochMetrics>? Validation, double SamplesPerSecond);
