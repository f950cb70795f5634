namespace ClassyNet.MLNet.Losses;

/// <summary>How the class sets of the early exits relate (paper Section V-B).</summary>
public enum ExitClassScheme
{
    /// <summary>Every exit answers for every class and no exit has a bag (BranchyNet).</summary>
    AllClasses,

    /// <summary>Mutually exclusive classes (MC): the early exits' sets are pairwise disjoint.</summary>
    MutuallyExclusive,

    /// <summary>Incremental classes (IC): each exit's set contains the previous exit's set.</summary>
    Incremental,
}
