namespace ClassyNet.Edge;

/// <summary>How <see cref="EdgeRuntime"/> runs the ONNX graph.</summary>
public sealed class EdgeRuntimeOptions
{
    /// <summary>
    /// ONNX Runtime intra-op threads. Default 1: an edge device has few cores and the batches are small; 0 lets ONNX
    /// Runtime use one per core.
    /// </summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>
    /// Whether ONNX Runtime keeps freed CPU buffers in its arena for reuse. Default true (faster steady state); false
    /// returns memory to the system after each run (a smaller resident set on very small devices).
    /// </summary>
    public bool CpuMemoryArena { get; init; } = true;
}
