using ClassyNet.MLNet.Deployment.Budgets;
using ClassyNet.MLNet.Networks;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>
/// The measured costs the <see cref="SplitPlanner"/> weighs for each possible split: the edge part's memory, the bytes
/// handed to the cloud per unanswered sample, and every stage's and head's latency.
/// </summary>
public sealed record SplitCostProfile
{
    /// <summary>Memory of the edge part ending at each exit k (bytes, under <see cref="MemoryRule"/>).</summary>
    public required IReadOnlyList<long> EdgeMemoryBytes { get; init; }

    /// <summary>Bytes sent to the cloud per sample that is not answered on an edge part ending at exit k (its activation).</summary>
    public required IReadOnlyList<long> HandoffBytesPerSample { get; init; }

    /// <summary>Bytes of one raw input sample, what a cloud-only deployment sends.</summary>
    public required long InputBytesPerSample { get; init; }

    /// <summary>Stage and head latencies, measured on the machine they were profiled on.</summary>
    public required StageLatencyProfile Latency { get; init; }

    /// <summary>How <see cref="EdgeMemoryBytes"/> were obtained.</summary>
    public required MemoryRule MemoryRule { get; init; }

    /// <summary>Label of each exit, e.g. <c>E2 (#18)</c>. Default E1, E2, ...</summary>
    public IReadOnlyList<string>? ExitLabels { get; init; }

    /// <summary>Multiply-accumulates per sample of the edge part ending at each exit, for display. Optional.</summary>
    public IReadOnlyList<long>? EdgeMacs { get; init; }

    /// <summary>Number of exits.</summary>
    public int ExitCount => EdgeMemoryBytes.Count;

    /// <summary>Combines a memory analysis (<see cref="PartitionMemoryAnalyzer"/>) under <paramref name="rule"/> with a latency profile of the same network.</summary>
    public static SplitCostProfile From(PartitionMemoryReport memory, MemoryRule rule, StageLatencyProfile latency)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(latency);
        if (latency.Stages.Count != memory.Partitions.Count)
        {
            throw new ArgumentException($"latency has {latency.Stages.Count} stages but memory describes {memory.Partitions.Count} exits; profile the same network.", nameof(latency));
        }

        var bytes = memory.Partitions.Select(p => p.BytesFor(rule) ?? throw new ArgumentException($"The memory analysis has no {rule} figure for {p.Label}; analyse with MeasureActivations = true or use another rule.", nameof(rule))).ToArray();
        return new SplitCostProfile
        {
            EdgeMemoryBytes = bytes,
            HandoffBytesPerSample = memory.Partitions.Select(p => p.HandoffBytesPerSample).ToArray(),
            InputBytesPerSample = 4L * memory.InputShape.Aggregate(1L, (a, d) => a * d),
            Latency = latency,
            MemoryRule = rule,
            ExitLabels = memory.Partitions.Select(p => p.Label).ToArray(),
            EdgeMacs = memory.Partitions.Select(p => p.EdgeMacs).ToArray(),
        };
    }

    /// <summary>
    /// Measures <paramref name="network"/> on this machine: memory with <see cref="PartitionMemoryAnalyzer"/> (at
    /// <paramref name="batchSize"/>; activations only when <paramref name="rule"/> is <see cref="MemoryRule.Measured"/>)
    /// and latencies with <see cref="StageLatencyProfiler"/>.
    /// </summary>
    public static SplitCostProfile Measure(MultiExitNetwork network, IReadOnlyList<int> inputShape, MemoryRule rule = MemoryRule.Measured, int batchSize = 16, IReadOnlyList<string>? exitLabels = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var memory = PartitionMemoryAnalyzer.Analyze(network, inputShape, new PartitionMemoryOptions
        {
            BatchSize = batchSize,
            MeasureActivations = rule == MemoryRule.Measured,
            Budgets = [],
            ExitLabels = exitLabels,
        });
        return From(memory, rule, StageLatencyProfiler.Measure(network, inputShape, batchSize));
    }

    /// <summary>Label of exit <paramref name="exit"/>, or "cloud only" for -1.</summary>
    public string Label(int exit) => exit < 0 ? "cloud only" : ExitLabels is { } l ? l[exit] : $"E{exit + 1}";

    internal void Validate(string argument)
    {
        int m = ExitCount;
        if (m < 1 || HandoffBytesPerSample.Count != m || Latency.Stages.Count != m || Latency.Heads.Count != m || (ExitLabels is { } l && l.Count != m) || (EdgeMacs is { } macs && macs.Count != m))
        {
            throw new ArgumentException($"{argument} must describe every exit the same number of times: {m} edge memories, {HandoffBytesPerSample.Count} hand-off sizes, {Latency.Stages.Count} stage and {Latency.Heads.Count} head latencies.", argument);
        }

        if (EdgeMemoryBytes.Any(b => b < 0) || HandoffBytesPerSample.Any(b => b < 0) || InputBytesPerSample < 0)
        {
            throw new ArgumentException($"{argument}: byte counts must be >= 0.", argument);
        }

        foreach (var l2 in Latency.Stages.Concat(Latency.Heads))
        {
            if (!(l2.FixedMs >= 0 && l2.PerSampleMs >= 0 && double.IsFinite(l2.FixedMs) && double.IsFinite(l2.PerSampleMs)))
            {
                throw new ArgumentException($"{argument}: latency {l2} must be finite and >= 0.", argument);
            }
        }
    }
}
