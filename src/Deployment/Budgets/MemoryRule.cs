namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>How an edge partition's memory is compared with a device budget.</summary>
public enum MemoryRule
{
    /// <summary>
    /// The paper's estimate: weight tensors of the partial network (stem, stages up to exit k and exit k's head) x 4
    /// bytes x batch size (<see cref="PartitionMemory.PaperFormulaBytes"/>).
    /// </summary>
    PaperFormula,

    /// <summary>
    /// The same formula over every trainable parameter of the edge part, which also holds the heads of the exits before
    /// k (<see cref="PartitionMemory.EdgeFormulaBytes"/>).
    /// </summary>
    EdgeFormula,

    /// <summary>
    /// Measured: the edge part's stored tensors once plus the peak of live activation bytes measured while it runs a
    /// batch on TorchSharp (<see cref="PartitionMemory.MeasuredTotalBytes"/>).
    /// </summary>
    Measured,
}
