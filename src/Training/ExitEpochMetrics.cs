namespace ClassyNet.MLNet.Training;

/// <summary>Metrics of one exit over one epoch.</summary>
/// <param name="Loss">Mean eq. 9 loss (before the exit weight).</param>
/// <param name="Accuracy">Share of samples whose argmax equals their exit label (bag included).</param>
/// <param name="ExitRate">Share of samples that leave at this exit under the thresholds and the BoC rule (the final exit takes the rest).</param>
public sealed record ExitEpochMetrics(double Loss, double Accuracy, double ExitRate);
