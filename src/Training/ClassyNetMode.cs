namespace ClassyNet.MLNet.Training;

/// <summary>The four models compared in the paper (Section VI).</summary>
public enum ClassyNetMode
{
    /// <summary>The backbone alone: trained through its final exit only; the early exits never answer.</summary>
    Baseline,

    /// <summary>BranchyNet (BN): every exit answers for every class, plain cross-entropy.</summary>
    BranchyNet,

    /// <summary>ClassyNet with Bag-of-Classes (CN).</summary>
    ClassyNet,

    /// <summary>ClassyNet with Bag-of-Classes and cost-sensitive loss matrices (CN+C).</summary>
    ClassyNetWithCosts,
}
