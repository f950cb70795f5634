namespace ClassyNet.Edge;

/// <summary>One batch of a <see cref="SplitEvaluation"/>: its size, correct answers and end-to-end latency.</summary>
public sealed record SplitBatchMeasurement
{
    /// <summary>Samples in the batch.</summary>
    public required int Count { get; init; }

    /// <summary>Samples answered with their true class.</summary>
    public required int Correct { get; init; }

    /// <summary>Samples whose activations went to the cloud.</summary>
    public required int SentToCloud { get; init; }

    /// <summary>Samples left without an answer (cloud unavailable or refused).</summary>
    public required int Unanswered { get; init; }

    /// <summary>End-to-end time of the batch: edge part, link and cloud part, until every answer was merged.</summary>
    public required TimeSpan Latency { get; init; }

    /// <summary>Time in the edge part.</summary>
    public required TimeSpan EdgeTime { get; init; }

    /// <summary>Wall time of the cloud requests (zero when nothing was sent).</summary>
    public required TimeSpan CloudTime { get; init; }

    /// <summary>Activation bytes sent to the cloud.</summary>
    public required long BytesSent { get; init; }
}
