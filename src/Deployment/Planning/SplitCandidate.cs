namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>One split the <see cref="SplitPlanner"/> considered, with the best thresholds it found for it and what it predicts.</summary>
public sealed record SplitCandidate
{
    /// <summary>Last exit on the device (0-based); -1 for cloud only (the device sends raw inputs).</summary>
    public required int SplitExit { get; init; }

    /// <summary>Label, e.g. <c>E2 (#18)</c> or <c>cloud only</c>.</summary>
    public required string Label { get; init; }

    /// <summary>Memory the edge part needs (bytes; 0 for cloud only).</summary>
    public required long EdgeMemoryBytes { get; init; }

    /// <summary>Whether the edge part fits the device memory.</summary>
    public required bool FitsMemory { get; init; }

    /// <summary>Best thresholds T_1..T_(M-1) found for this split (edge exits and cloud exits alike).</summary>
    public required IReadOnlyList<float> Thresholds { get; init; }

    /// <summary>Accuracy predicted under the class mix (from the validation score cache).</summary>
    public required double PredictedAccuracy { get; init; }

    /// <summary>Whether <see cref="PredictedAccuracy"/> meets the floor.</summary>
    public required bool MeetsAccuracyFloor { get; init; }

    /// <summary>Share of inputs leaving at each exit under the mix.</summary>
    public required IReadOnlyList<double> ExitRates { get; init; }

    /// <summary>Share of inputs the device cannot answer and sends to the cloud.</summary>
    public required double CloudShare { get; init; }

    /// <summary>Probability that a batch sends anything (at least one of its samples goes to the cloud).</summary>
    public required double BatchSendProbability { get; init; }

    /// <summary>Expected bytes sent up and down per batch.</summary>
    public required double BytesPerBatch { get; init; }

    /// <summary>Expected device compute per batch (ms).</summary>
    public required double EdgeComputeMs { get; init; }

    /// <summary>Expected link time per batch: round trips and transfer (ms).</summary>
    public required double LinkMs { get; init; }

    /// <summary>Expected cloud compute per batch (ms).</summary>
    public required double CloudComputeMs { get; init; }

    /// <summary>Expected end-to-end latency per batch (ms).</summary>
    public double TotalMs => EdgeComputeMs + LinkMs + CloudComputeMs;
}
