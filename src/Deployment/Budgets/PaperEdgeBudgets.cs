namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>The edge memory scenarios of the paper's Table IV (ResNet-110 7_Exit on CIFAR-10) and the figures quoted with them.</summary>
public static class PaperEdgeBudgets
{
    /// <summary>The five device memories: 470 KB, 2.31 MB, 5.54 MB, 28.5 MB, 112 MB.</summary>
    public static IReadOnlyList<MemoryBudget> Budgets { get; } =
        [MemoryBudget.Parse("470KB"), MemoryBudget.Parse("2.31MB"), MemoryBudget.Parse("5.54MB"), MemoryBudget.Parse("28.5MB"), MemoryBudget.Parse("112MB")];

    /// <summary>The exit (1-based) each budget was sized for: E1, E2, E3, E5, E7.</summary>
    public static IReadOnlyList<int> Exits { get; } = [1, 2, 3, 5, 7];

    /// <summary>The pruning reductions the paper applied to the baseline for each budget: 99.59%, 97.94%, 95.05%, 74.55%, 0%.</summary>
    public static IReadOnlyList<double> PruningReductions { get; } = [0.9959, 0.9794, 0.9505, 0.7455, 0];

    /// <summary>The paper's worked example: the partial network up to exit E2 (layer #18) has 37,728 parameters.</summary>
    public const long ExampleParameters = 37_728;

    /// <summary>The paper's worked example's layer: exit E2 sits at layer #18.</summary>
    public const int ExampleLayer = 18;
}
