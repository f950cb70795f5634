namespace ClassyNet.MLNet.Deployment.Budgets;

/// <summary>
/// Memory of the edge part that ends at exit <see cref="Exit"/>: the network up to and including that exit (stem,
/// stages 0..k and exit heads 0..k), from <see cref="PartitionMemoryAnalyzer"/>.
/// </summary>
public sealed record PartitionMemory
{
    /// <summary>Exit index k (0-based); exit E(k+1) in the paper's numbering.</summary>
    public required int Exit { get; init; }

    /// <summary>Label, e.g. <c>E2 (#18)</c>.</summary>
    public required string Label { get; init; }

    /// <summary>Trainable parameters of the paper's "partial network": stem, stages 0..k and exit k's head.</summary>
    public required long PrefixParameters { get; init; }

    /// <summary><see cref="PrefixParameters"/> counted as <see cref="ParameterCounting.WeightTensors"/>.</summary>
    public required long PrefixWeightTensorParameters { get; init; }

    /// <summary>Trainable parameters of the edge part: stem, stages 0..k and every exit head 0..k.</summary>
    public required long EdgeParameters { get; init; }

    /// <summary>The paper's formula over <see cref="PrefixWeightTensorParameters"/>: x bytes per parameter x batch size.</summary>
    public required long PaperFormulaBytes { get; init; }

    /// <summary>The paper's formula over <see cref="EdgeParameters"/>.</summary>
    public required long EdgeFormulaBytes { get; init; }

    /// <summary>
    /// Bytes of every tensor the edge part stores (parameters and persistent buffers such as batch-norm running
    /// statistics, each at its real element size), held once whatever the batch size.
    /// </summary>
    public required long EdgeStateBytes { get; init; }

    /// <summary>
    /// Shape-based floor of the activation bytes at the batch size (<c>NetworkAccountingExit.PeakActivationBytes</c>:
    /// the largest input plus output of one layer of the prefix).
    /// </summary>
    public required long ShapeActivationBytes { get; init; }

    /// <summary>Activation peak measured on TorchSharp at the batch size (<see cref="ActivationPeakProbe"/>), or null when not measured.</summary>
    public ActivationPeak? MeasuredActivation { get; init; }

    /// <summary><see cref="EdgeStateBytes"/> plus the measured activation peak, or null when not measured.</summary>
    public long? MeasuredTotalBytes => MeasuredActivation is { } a ? EdgeStateBytes + a.PeakBytes : null;

    /// <summary>Bytes of one sample's activation after stage k (float32), what the edge sends the cloud per unanswered sample.</summary>
    public required long HandoffBytesPerSample { get; init; }

    /// <summary>Shape of one sample's activation after stage k.</summary>
    public required IReadOnlyList<int> HandoffShape { get; init; }

    /// <summary>Multiply-accumulates per sample of the edge part run to the end (stages 0..k and heads 0..k).</summary>
    public required long EdgeMacs { get; init; }

    /// <summary>The bytes <paramref name="rule"/> compares with a budget (null for <see cref="MemoryRule.Measured"/> when not measured).</summary>
    public long? BytesFor(MemoryRule rule) => rule switch
    {
        MemoryRule.PaperFormula => PaperFormulaBytes,
        MemoryRule.EdgeFormula => EdgeFormulaBytes,
        MemoryRule.Measured => MeasuredTotalBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "rule must be PaperFormula, EdgeFormula or Measured."),
    };
}
