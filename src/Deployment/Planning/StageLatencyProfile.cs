namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>Measured latency of every stage and exit head of a network (from <see cref="StageLatencyProfiler"/>).</summary>
public sealed record StageLatencyProfile
{
    /// <summary>Stage m's latency (stage 0 includes the stem), first to last.</summary>
    public required IReadOnlyList<AffineLatency> Stages { get; init; }

    /// <summary>Exit head m's latency, first to last.</summary>
    public required IReadOnlyList<AffineLatency> Heads { get; init; }

    /// <summary>The larger batch the lines were fitted with (the smaller is one sample).</summary>
    public required int BatchSize { get; init; }

    /// <summary>libtorch intra-op threads during the measurement.</summary>
    public required int Threads { get; init; }

    /// <summary>Where it was measured, e.g. the processor's name.</summary>
    public required string Machine { get; init; }
}
