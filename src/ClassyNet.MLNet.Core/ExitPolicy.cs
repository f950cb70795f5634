namespace ClassyNet.MLNet.Inference;

/// <summary>The confidence test an early exit applies to its softmax output.</summary>
public enum ExitPolicy
{
    /// <summary>
    /// The paper's Algorithm 1: leave at exit m when the Shannon entropy H = -sum p ln p (natural log) of the exit's
    /// softmax is strictly below T_m. Thresholds are in nats; 0 disables an exit (H is never negative).
    /// </summary>
    Entropy,

    /// <summary>
    /// Leave at exit m when the largest softmax probability is at least T_m. A threshold above 1 disables an exit,
    /// 0 lets every non-bag answer leave.
    /// </summary>
    MaxProbability,
}
