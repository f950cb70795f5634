using static TorchSharp.torch;

namespace ClassyNet.MLNet.Losses;

/// <summary>The joint loss of one batch and its per-exit parts.</summary>
/// <param name="Total">Eq. 10: sum over exits of w_m times the batch mean of eq. 9 (a scalar tensor on the autograd graph; the caller disposes it, or a dispose scope does).</param>
/// <param name="ExitLosses">Batch mean of eq. 9 per exit (before the exit weight).</param>
/// <param name="ExitCorrect">Samples whose argmax equals their exit label, per exit.</param>
/// <param name="ExitWouldExit">Samples that would leave at each exit (first exit whose threshold and BoC rule they pass; all 0 without thresholds).</param>
public sealed record MultiExitLossResult(Tensor Total, float[] ExitLosses, int[] ExitCorrect, int[] ExitWouldExit);
