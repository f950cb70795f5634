namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>What <see cref="ActivationPeakProbe"/> measured while an edge part ran one batch.</summary>
/// <param name="PeakBytes">Largest total of distinct tensor storages alive at any sampling point (bytes).</param>
/// <param name="PeakAt">Where the peak was seen, e.g. <c>after stages.1.3.bn2</c>.</param>
/// <param name="Samples">How many sampling points there were (two per module call, plus one per stage and head).</param>
/// <param name="BatchSize">Samples in the batch that ran.</param>
public sealed record ActivationPeak(long PeakBytes, string PeakAt, int Samples, int BatchSize);
