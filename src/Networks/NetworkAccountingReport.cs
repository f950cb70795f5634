namespace ClassyNet.MLNet.Networks;

/// <summary>Per-exit parameters, multiply-accumulates and memory of a <see cref="MultiExitNetwork"/> (see <see cref="NetworkAccounting"/>).</summary>
public sealed record NetworkAccountingReport
{
    /// <summary>Shape of one input sample (without the batch dimension) the costs were measured for.</summary>
    public required IReadOnlyList<int> InputShape { get; init; }

    /// <summary>Batch size the activation byte counts refer to (parameters and MACs are per network and per sample).</summary>
    public required int BatchSize { get; init; }

    /// <summary>Trainable parameters of the stem (also counted in stage 0 of <see cref="Exits"/>).</summary>
    public required long StemParameters { get; init; }

    /// <summary>Trainable parameters of the whole network: stem, every stage and every head.</summary>
    public required long TotalParameters { get; init; }

    /// <summary>Multiply-accumulates of one sample through every stage and every head (what <see cref="MultiExitNetwork.forward"/> runs).</summary>
    public required long TotalMacs { get; init; }

    /// <summary>One entry per exit, first to last.</summary>
    public required IReadOnlyList<NetworkAccountingExit> Exits { get; init; }

    /// <summary>Prefix multiply-accumulates of every exit (<see cref="NetworkAccountingExit.PrefixMacs"/>), first to last.</summary>
    public long[] PrefixMacs() => Exits.Select(e => e.PrefixMacs).ToArray();

    /// <summary>Early-exit MACs of every exit (<see cref="NetworkAccountingExit.EarlyExitMacs"/>: stages and heads 0..m), first to last.</summary>
    public long[] EarlyExitMacs() => Exits.Select(e => e.EarlyExitMacs).ToArray();
}
