namespace ClassyNet.MLNet.Networks;

/// <summary>
/// Cost of one exit of a <see cref="MultiExitNetwork"/>, from <see cref="NetworkAccounting.Measure"/>. "Stage m" follows
/// <see cref="MultiExitNetwork.ForwardStage"/>: stage 0 includes the stem. The prefix up to exit m is stages 0..m plus
/// head m (the other heads are not part of it); a sample leaving at exit m under early exit also ran heads 0..m-1
/// (<see cref="EarlyExitMacs"/>).
/// </summary>
public sealed record NetworkAccountingExit
{
    /// <summary>Exit index m (0-based).</summary>
    public required int Exit { get; init; }

    /// <summary>Trainable parameters of stage m (for m = 0 including the stem).</summary>
    public required long StageParameters { get; init; }

    /// <summary>Trainable parameters of exit head m.</summary>
    public required long HeadParameters { get; init; }

    /// <summary>Trainable parameters of the prefix: stem, stages 0..m and head m.</summary>
    public required long PrefixParameters { get; init; }

    /// <summary>Bytes of the prefix's trainable weights as float32 (4 x <see cref="PrefixParameters"/>).</summary>
    public long PrefixParameterBytes => 4 * PrefixParameters;

    /// <summary>
    /// Bytes of all float32 state the prefix needs at inference: parameters plus buffers such as batch-norm running
    /// statistics (4 bytes per element).
    /// </summary>
    public required long PrefixStateBytes { get; init; }

    /// <summary>Multiply-accumulates of stage m for one sample, computed from its layers' shapes.</summary>
    public required long StageMacs { get; init; }

    /// <summary>Multiply-accumulates of head m for one sample.</summary>
    public required long HeadMacs { get; init; }

    /// <summary>
    /// Multiply-accumulates of the network truncated at exit m, for one sample: stages 0..m plus head m (the cost of a
    /// deployed prefix that only has this exit).
    /// </summary>
    public required long PrefixMacs { get; init; }

    /// <summary>
    /// Multiply-accumulates for one sample that leaves at exit m under early-exit inference: stages 0..m plus heads
    /// 0..m, because the heads of the exits it passed were evaluated too. This is what <c>EarlyExitPredictor</c>
    /// charges per sample and what threshold calibration minimises.
    /// </summary>
    public required long EarlyExitMacs { get; init; }

    /// <summary>Shape of one sample's activation after stage m (without the batch dimension).</summary>
    public required IReadOnlyList<int> ActivationShape { get; init; }

    /// <summary>
    /// Bytes of the largest single activation tensor (float32, at the accounting batch size) passed between the
    /// layers of the prefix, including the input and the logits. See <see cref="NetworkAccounting"/> for the layer
    /// granularity.
    /// </summary>
    public required long LargestActivationBytes { get; init; }

    /// <summary>
    /// Peak live activation bytes (float32, at the accounting batch size) of a layer-by-layer executor running the
    /// prefix: the largest input-plus-output of any layer of the prefix. See <see cref="NetworkAccounting"/>.
    /// </summary>
    public required long PeakActivationBytes { get; init; }
}
