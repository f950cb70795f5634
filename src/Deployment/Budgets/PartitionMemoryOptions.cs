namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>Settings of <see cref="PartitionMemoryAnalyzer.Analyze"/>.</summary>
public sealed class PartitionMemoryOptions
{
    /// <summary>Batch size of the paper's formula and of the measured run. Default 16 (the paper's).</summary>
    public int BatchSize { get; init; } = PaperMemoryFormula.BatchSize;

    /// <summary>Bytes per parameter in the paper's formula. Default 4 (float32).</summary>
    public int BytesPerParameter { get; init; } = PaperMemoryFormula.BytesPerParameter;

    /// <summary>Run every edge part on TorchSharp to measure its activation peak (<see cref="ActivationPeakProbe"/>). Default true.</summary>
    public bool MeasureActivations { get; init; } = true;

    /// <summary>Budgets to check. Default the paper's five (<see cref="PaperEdgeBudgets.Budgets"/>).</summary>
    public IReadOnlyList<MemoryBudget> Budgets { get; init; } = PaperEdgeBudgets.Budgets;

    /// <summary>
    /// Text after each exit's name in labels, one per exit, e.g. the ResNet layer <c>#18</c> (see
    /// <see cref="PartitionMemoryAnalyzer.LayerLabels"/>). Default none: labels are just E1, E2, ...
    /// </summary>
    public IReadOnlyList<string>? ExitLabels { get; init; }
}
