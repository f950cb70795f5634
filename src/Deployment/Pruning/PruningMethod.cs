namespace ClassyNet.MLNet.Deployment.Pruning;

/// <summary>The pruning baselines of the paper's Table IV.</summary>
public enum PruningMethod
{
    /// <summary>Unstructured magnitude pruning with per-layer sensitivity thresholds ("Sensitivity"; <see cref="MagnitudePruner"/>): real masks, dense tensors.</summary>
    Magnitude,

    /// <summary>Structured filter pruning by feature-map rank ("HRank"; <see cref="FilterRankPruner"/>): channels really removed.</summary>
    HRank,
}
