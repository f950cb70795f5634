namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>The deepest edge part that fits one budget under each <see cref="MemoryRule"/> (0-based exit, null when none fits).</summary>
/// <param name="Budget">The device memory.</param>
/// <param name="ByPaperFormula">Deepest exit whose <see cref="PartitionMemory.PaperFormulaBytes"/> fit.</param>
/// <param name="ByEdgeFormula">Deepest exit whose <see cref="PartitionMemory.EdgeFormulaBytes"/> fit.</param>
/// <param name="ByMeasured">Deepest exit whose <see cref="PartitionMemory.MeasuredTotalBytes"/> fit (null also when not measured).</param>
public sealed record BudgetFit(MemoryBudget Budget, int? ByPaperFormula, int? ByEdgeFormula, int? ByMeasured)
{
    /// <summary>The deepest fitting exit under <paramref name="rule"/>.</summary>
    public int? For(MemoryRule rule) => rule switch
    {
        MemoryRule.PaperFormula => ByPaperFormula,
        MemoryRule.EdgeFormula => ByEdgeFormula,
        MemoryRule.Measured => ByMeasured,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "rule must be PaperFormula, EdgeFormula or Measured."),
    };
}
