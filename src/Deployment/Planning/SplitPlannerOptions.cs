using ClassyNet.MLNet.Inference;

namespace ClassyNet.MLNet.Deployment.Planning;

/// <summary>The deployment the <see cref="SplitPlanner"/> plans for, and how it searches.</summary>
public sealed class SplitPlannerOptions
{
    /// <summary>Memory of the edge device in bytes; an edge part fits when its <see cref="SplitCostProfile.EdgeMemoryBytes"/> are at most this. Required.</summary>
    public required long DeviceMemoryBytes { get; init; }

    /// <summary>The edge-cloud link. Required.</summary>
    public required LinkProfile Link { get; init; }

    /// <summary>Expected class shares of the inputs. Default null: uniform.</summary>
    public ClassMix? Mix { get; init; }

    /// <summary>
    /// Largest accuracy loss allowed against the final exit alone (every sample through the whole network), under the
    /// mix, as a fraction (0.01 = one point). Default 0.01. Null for none (then <see cref="MinimumAccuracy"/> alone applies).
    /// </summary>
    public double? MaxAccuracyDrop { get; init; } = 0.01;

    /// <summary>An absolute accuracy floor under the mix (fraction). Default null. With both set, the stricter one applies.</summary>
    public double? MinimumAccuracy { get; init; }

    /// <summary>Samples per batch (the paper's 16); latencies are per batch and the link is used once per batch that sends anything. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How many times slower the edge device computes than the machine the profile was measured on. Default 1.</summary>
    public double EdgeSlowdown { get; init; } = 1;

    /// <summary>How many times faster the cloud computes than the machine the profile was measured on. Default 1.</summary>
    public double CloudSpeedup { get; init; } = 1;

    /// <summary>Bytes the cloud returns per answered sample (class, exit and entropy: 3 x 4 bytes). Default 12.</summary>
    public int ResponseBytesPerSample { get; init; } = 12;

    /// <summary>Also consider running nothing on the device and sending the raw inputs. Default true.</summary>
    public bool IncludeCloudOnly { get; init; } = true;

    /// <summary>The exit test the thresholds are for. Default entropy (Algorithm 1).</summary>
    public ExitPolicy Policy { get; init; } = ExitPolicy.Entropy;

    /// <summary>Thresholds to start the search from besides "all early exits disabled" (e.g. the model's own). Default none.</summary>
    public IReadOnlyList<float>? InitialThresholds { get; init; }

    /// <summary>Candidate thresholds per early exit (quantiles of its scores, as in <see cref="ThresholdCalibrator"/>). Default 16.</summary>
    public int CandidatesPerExit { get; init; } = 16;

    /// <summary>Up to this many threshold combinations every one is evaluated; beyond it, coordinate descent. Default 20,000.</summary>
    public long MaxExhaustiveCombinations { get; init; } = 20_000;

    /// <summary>Coordinate-descent passes at most. Default 20.</summary>
    public int MaxCoordinatePasses { get; init; } = 20;
}
